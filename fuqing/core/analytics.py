"""Analytics tables (RPT-1, issue 16): figures read from counts kept apart from the transactional rows,
as DHIS2 serves its dashboards from analytics tables.

A **fact** is a register's rows counted by unit, day and a code (a visit's method, a need's status…).
Its cells (``AnalyticsCell``) hold, per fact, unit, day and code, the count of the unit's own rows
(``whole`` false) and of its whole subtree (``whole`` true, rolled up the tree along the org path). A
**materialised figure** is a registered figure (``fuqing.core.figures``) whose value an app can build
from a fact's ``(code, n)`` rows of a unit's subtree over a period: reading it sums at most a few hundred
cells per unit whatever the number of rows, and ``figures.compute`` / ``compute_for_units`` read it so
when the fact is built and fresh; otherwise they compute live as before. Core knows no app: apps declare
their facts and materialised figures in ``fuqing/<app>/analytics.py``, imported from ``ready()``::

    VISITS = analytics.fact("fieldwork.visits", Visit, day="started_on", code="method")
    analytics.materialise("visit_count", VISITS, lambda rows: _visit_count(sum(n for _, n in rows)))

Built in full by ``manage.py rebuild_analytics`` (one transaction, set-based ``INSERT … SELECT``: the own
cells in one grouped pass over the rows, then one roll-up per depth of the tree), kept current by the
worker: saving or deleting a row marks its unit and day (``AnalyticsChange``, one row per pair however
many rows changed) and the transaction's commit enqueues one ``refresh_analytics`` task, which recounts
only the marked units' days and their ancestors' (a large batch: the fact is rebuilt). Code that writes
rows in bulk (``bulk_create``, ``update``) calls ``changed_rows(queryset)``.

Fresh: the fact was built and no change waits longer than ``ANALYTICS_MAX_LAG`` seconds (default 600)
for the worker; the figures then say when they were counted (``FigureScope.served_as_of``: the
dashboard's "数据截至" line). Scope: cells are scoped by their unit like the rows they count; a viewer is
served from them only for units whose whole subtree she may see (a volunteer, or a unit only partly in
her scope, is computed live from the rows she may see).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django_tasks import task

from fuqing.core.analytics_models import AnalyticsCell, AnalyticsChange, AnalyticsState
from fuqing.core.scoping import org_model, user_scope

log = logging.getLogger(__name__)

# A refresh with more marked units or days than this rebuilds the fact (one pass beats huge IN lists).
REFRESH_MAX_UNITS = 2000
REFRESH_MAX_DAYS = 400


@dataclass(frozen=True)
class Fact:
    """Rows of ``model`` counted by unit (``org``, its scope field), ``day`` (a date field) and ``code``
    (a field, or "" for none)."""

    key: str
    model: type
    day: str
    code: str = ""
    org: str = "org"

    def counts(self, rows=None):
        """The own cells of ``rows`` (default: every row) as one grouped query: a_org, a_day, a_code, a_n."""
        rows = self.model._base_manager.all() if rows is None else rows
        code = Coalesce(Cast(F(self.code), CharField()), Value("")) if self.code else Value("")
        return (
            rows.filter(**{f"{self.day}__isnull": False})
            .values(a_org=F(self.org), a_day=F(self.day), a_code=code)
            .annotate(a_n=Count("pk"))
            .order_by()
        )


@dataclass(frozen=True)
class Materialised:
    key: str  # the figure's key in the figures registry
    fact: Fact
    build: Callable  # (code, n) rows of a subtree and period [, prepare()'s answer] -> Figure
    prepare: Callable | None = None  # once per read, e.g. the dictionary the codes name


_FACTS: dict[str, Fact] = {}
_MATERIALISED: dict[str, Materialised] = {}


def fact(key: str, model, day: str, code: str = "", org: str = "org") -> Fact:
    """Declare a fact (once; the same declaration again is a no-op) and watch its rows' changes."""
    found = Fact(key, model, day, code, org)
    known = _FACTS.get(key)
    if known is not None and known != found:
        raise ValueError(f"analytics fact {key} is already declared")
    if known is None:
        _FACTS[key] = found
        _watch(model)
    return found


def materialise(key: str, of: Fact, build: Callable, prepare: Callable | None = None) -> None:
    """Serve the figure ``key`` from ``of``'s cells: ``build(rows)`` gets a subtree's and period's
    ``(code, n)`` rows (n > 0, by code) and returns the very Figure the live provider would. With
    ``prepare``, ``build(rows, prepare())``: ``prepare`` runs once per read (one query for all units)."""
    _MATERIALISED[key] = Materialised(key, of, build, prepare)


def facts() -> list[Fact]:
    return sorted(_FACTS.values(), key=lambda f: f.key)


def materialised() -> list[Materialised]:
    return sorted(_MATERIALISED.values(), key=lambda m: m.key)


def is_materialised(key: str) -> bool:
    return key in _MATERIALISED


# --- building and refreshing -----------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_own(fact: Fact, rows=None) -> None:
    sql, params = fact.counts(rows).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            # names from the models and Django's own compiled SQL; values as parameters
            f"INSERT INTO {_table(AnalyticsCell)} (fact, org_id, whole, month, day, code, n) "  # noqa: S608
            f"SELECT %s, s.a_org, %s, %s, s.a_day, s.a_code, s.a_n FROM ({sql}) s",
            [fact.key, False, False, *params],
        )


def _in(column: str, values: list) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _roll_up(fact: Fact, paths: Iterable[str] | None = None, days: list | None = None) -> None:
    """The whole-subtree cells of every unit (or of the units at ``paths``, on ``days``), summed from
    the own cells beneath each: one ``INSERT … SELECT`` per depth, joining a cell's unit to its ancestor
    by the path's prefix."""
    org = org_model()
    step = org.steplen
    if paths is None:
        by_depth = {d: None for d in org._default_manager.values_list("depth", flat=True).distinct()}
    else:
        by_depth: dict[int, list | None] = {}
        for path in paths:
            by_depth.setdefault(len(path) // step, []).append(path)
    cell, orgs = _table(AnalyticsCell), _table(org)
    # table names from the models, the prefix's width an int, every value a parameter
    for depth, chosen in sorted(by_depth.items()):
        where, params = ["c.fact = %s", "c.whole = %s", "o.depth >= %s"], [fact.key, False, depth]
        for column, values in (("a.path", chosen), ("c.day", days)):
            if values is not None:
                clause, more = _in(column, values)
                where.append(clause)
                params += more
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {cell} (fact, org_id, whole, month, day, code, n) "  # noqa: S608
                f"SELECT %s, a.id, %s, %s, c.day, c.code, SUM(c.n) FROM {cell} c "
                f"JOIN {orgs} o ON o.id = c.org_id "
                f"JOIN {orgs} a ON a.path = SUBSTR(o.path, 1, {int(depth * step)}) "
                f"WHERE {' AND '.join(where)} GROUP BY a.id, c.day, c.code",
                [fact.key, True, False, *params],
            )


def _month_start(column: str) -> str:
    if connection.vendor == "sqlite":
        return f"date({column}, 'start of month')"
    return f"CAST(DATE_TRUNC('month', {column}) AS date)"


def _months(fact: Fact, units: list | None = None, months: list | None = None) -> None:
    """The whole subtrees' month cells (of ``units`` in ``months``), summed from their day cells."""
    cell, start = _table(AnalyticsCell), _month_start("c.day")
    where, params = ["c.fact = %s", "c.whole = %s", "c.month = %s"], [fact.key, True, False]
    for column, values in (("c.org_id", units), (start, months)):
        if values is not None:
            clause, more = _in(column, values)
            where.append(clause)
            params += more
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {cell} (fact, org_id, whole, month, day, code, n) "  # noqa: S608
            f"SELECT %s, c.org_id, %s, %s, {start}, c.code, SUM(c.n) FROM {cell} c "
            f"WHERE {' AND '.join(where)} GROUP BY c.org_id, {start}, c.code",
            [fact.key, True, True, *params],
        )


def _build(fact: Fact) -> float:
    started, now = time.monotonic(), timezone.now()
    AnalyticsChange.objects.filter(fact=fact.key)._raw_delete(connection.alias)  # the build covers them
    AnalyticsCell.objects.filter(fact=fact.key)._raw_delete(connection.alias)
    _insert_own(fact)
    _roll_up(fact)
    _months(fact)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics: the reads' plans count on them
            cursor.execute(f"ANALYZE {_table(AnalyticsCell)}")
    seconds = time.monotonic() - started
    AnalyticsState.objects.update_or_create(
        fact=fact.key, defaults={"built_at": now, "refreshed_at": now, "seconds": seconds}
    )
    return seconds


def rebuild(keys: Iterable[str] | None = None) -> dict[str, float]:
    """Build the cells of every fact (or of ``keys``) from scratch, all or nothing: {fact: seconds}."""
    chosen = facts() if keys is None else [_FACTS[k] for k in keys]
    with transaction.atomic():
        # a refresh running meanwhile waits (it locks its fact's state too): no cell is counted twice
        list(AnalyticsState.objects.select_for_update().filter(fact__in=[f.key for f in chosen]))
        return {f.key: _build(f) for f in chosen}


def refresh(keys: Iterable[str] | None = None) -> dict[str, int]:
    """Recount the marked units' days of every built fact (or of ``keys``) and their ancestors':
    {fact: marks taken}. A fact never built only drops its marks (a rebuild counts everything)."""
    done = {}
    for found in facts() if keys is None else [_FACTS[k] for k in keys]:
        with transaction.atomic():
            done[found.key] = _refresh(found)
    return done


def _refresh(fact: Fact) -> int:
    now = timezone.now()
    state = AnalyticsState.objects.select_for_update().filter(fact=fact.key).first()
    marks = list(AnalyticsChange.objects.filter(fact=fact.key).values_list("pk", "org_id", "day"))
    if not marks:
        return 0
    ids = [m[0] for m in marks]
    for i in range(0, len(ids), 500):
        AnalyticsChange.objects.filter(pk__in=ids[i : i + 500])._raw_delete(connection.alias)
    if state is None:
        return len(marks)
    units, days = sorted({m[1] for m in marks}), sorted({m[2] for m in marks})
    if len(units) > REFRESH_MAX_UNITS or len(days) > REFRESH_MAX_DAYS:
        _build(fact)
        return len(marks)
    AnalyticsCell.objects.filter(fact=fact.key, whole=False, org__in=units, day__in=days)._raw_delete(
        connection.alias
    )
    rows = fact.model._base_manager.filter(**{f"{fact.org}__in": units, f"{fact.day}__in": days})
    _insert_own(fact, rows)
    org = org_model()
    step = org.steplen
    paths = set()
    for path in org._default_manager.filter(pk__in=units).values_list("path", flat=True):
        paths.update(path[: i * step] for i in range(1, len(path) // step + 1))
    above = list(org._default_manager.filter(path__in=paths).values_list("pk", flat=True))
    cells = AnalyticsCell.objects.filter(fact=fact.key, whole=True, org__in=above)
    cells.filter(month=False, day__in=days)._raw_delete(connection.alias)
    _roll_up(fact, sorted(paths), days)
    months = sorted({d.replace(day=1) for d in days})
    cells.filter(month=True, day__in=months)._raw_delete(connection.alias)
    _months(fact, above, months)
    AnalyticsState.objects.filter(fact=fact.key).update(refreshed_at=now)
    return len(marks)


@task()
def refresh_analytics() -> dict:
    """The worker's task: bring every fact's cells up to date with the marked changes."""
    if not connection.in_atomic_block:  # a worker between tasks; never inside a caller's transaction
        close_old_connections()
    return refresh()


# --- keeping current: marks and one task per transaction -------------------------------------------


def _enqueue() -> None:
    refresh_analytics.enqueue()


def schedule() -> None:
    """Enqueue one refresh when the current transaction commits (one per transaction, however many
    rows it changed)."""
    conn = transaction.get_connection()
    # one already waits that survives whatever survives of this write (its savepoints enclose ours)
    alive = set(conn.savepoint_ids)
    if conn.in_atomic_block and any(e[1] is _enqueue and set(e[0]) <= alive for e in conn.run_on_commit):
        return
    transaction.on_commit(_enqueue, robust=True)


def _mark(key: str, pairs: Iterable[tuple]) -> None:
    found = [AnalyticsChange(fact=key, org_id=o, day=d) for o, d in set(pairs) if o is not None and d]
    if found:
        AnalyticsChange.objects.bulk_create(found, ignore_conflicts=True)
        schedule()


def changed_rows(queryset) -> None:
    """Mark the units and days of ``queryset``'s rows as changed (for writes in bulk, which send no
    signals): one ``INSERT … SELECT DISTINCT`` per fact of its model, then one refresh at commit."""
    marked = False
    for found in _FACTS.values():
        if found.model is not queryset.model:
            continue
        rows = (
            queryset.filter(**{f"{found.day}__isnull": False})
            .values(a_org=F(found.org), a_day=F(found.day))
            .distinct()
        )
        sql, params = rows.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(AnalyticsChange)} (fact, org_id, day, marked_at) "  # noqa: S608
                f"SELECT %s, s.a_org, s.a_day, %s FROM ({sql}) s WHERE true ON CONFLICT DO NOTHING",
                [found.key, connection.ops.adapt_datetimefield_value(timezone.now()), *params],
            )
        marked = True
    if marked:
        schedule()


def unit_moved(org, old_parent) -> None:
    """After ``org`` moved (its subtree's paths rewritten): mark every day its subtree has counts for,
    under the moved units (their new ancestors) and under the old parent (its ancestors lose them)."""
    orgs, cell = _table(org_model()), _table(AnalyticsCell)
    moved = (
        f"SELECT DISTINCT c.fact AS fact, {{unit}} AS org_id, c.day AS day FROM {cell} c "  # noqa: S608
        f"JOIN {orgs} o ON o.id = c.org_id "
        "WHERE c.whole = %s AND o.path LIKE %s"
    )
    params = [False, org.path.replace("%", "") + "%"]
    parts = [(moved.format(unit="c.org_id"), params)]
    if old_parent is not None:
        parts.append((moved.format(unit="CAST(%s AS bigint)"), [old_parent.pk, *params]))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for sql, more in parts:
            cursor.execute(
                f"INSERT INTO {_table(AnalyticsChange)} (fact, org_id, day, marked_at) "  # noqa: S608
                f"SELECT s.fact, s.org_id, s.day, %s FROM ({sql}) s WHERE true ON CONFLICT DO NOTHING",
                [now, *more],
            )
    schedule()


def _model_facts(model) -> list[Fact]:
    return [f for f in _FACTS.values() if f.model is model]


def _remember(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    names = {n for f in _model_facts(sender) for n in (f"{f.org}_id", f.day)}
    instance._analytics_before = sender._base_manager.filter(pk=instance.pk).values(*names).first()


def _changed(sender, instance, **kwargs):
    before = getattr(instance, "_analytics_before", None) or {}
    for found in _model_facts(sender):
        org = f"{found.org}_id"
        pairs = [(getattr(instance, org), getattr(instance, found.day))]
        if before:
            pairs.append((before.get(org), before.get(found.day)))
        _mark(found.key, pairs)


def _watch(model) -> None:
    uid = f"analytics:{model._meta.label}"
    pre_save.connect(_remember, sender=model, dispatch_uid=uid, weak=False)
    post_save.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_changed, sender=model, dispatch_uid=uid, weak=False)


# --- reading ---------------------------------------------------------------------------------------


def max_lag() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "ANALYTICS_MAX_LAG", 600))


def states(cache: dict | None = None) -> dict[str, dict]:
    """{fact: {"as_of", "fresh"}} of the built facts, in one query (kept in ``cache`` when given)."""
    if cache is not None and "analytics:states" in cache:
        return cache["analytics:states"]
    oldest = (
        AnalyticsChange.objects.filter(fact=OuterRef("fact")).order_by("marked_at").values("marked_at")[:1]
    )
    limit = timezone.now() - max_lag()
    found = {
        row["fact"]: {
            "as_of": row["refreshed_at"],
            "fresh": row["waiting"] is None or row["waiting"] >= limit,
        }
        for row in AnalyticsState.objects.annotate(waiting=Subquery(oldest)).values(
            "fact", "refreshed_at", "waiting"
        )
    }
    if cache is not None:
        cache["analytics:states"] = found
    return found


def _period_q(start: datetime.date, end: datetime.date) -> Q:
    """``start``..``end`` as month cells for the whole months inside it and day cells for the rest."""
    first = start if start.day == 1 else (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    after = end + datetime.timedelta(days=1)
    last = after if after.day == 1 else end.replace(day=1)  # the day after the last whole month
    if first >= last:
        return Q(month=False, day__gte=start, day__lte=end)
    q = Q(month=True, day__gte=first, day__lt=last)
    if start < first:
        q |= Q(month=False, day__gte=start, day__lt=first)
    if last <= end:
        q |= Q(month=False, day__gte=last, day__lte=end)
    return q


def _servable(scope, units) -> bool:
    if not getattr(settings, "ANALYTICS_ENABLED", True) or scope.is_frozen:
        return False
    if scope.user is None:
        return True
    seen = user_scope(scope.user)
    return seen.volunteer is None and all(seen.covers(u.path) for u in units)


def _fact_rows(fact: Fact, scope, units: list) -> dict[int, list]:
    """{unit.pk: [(code, n), …]} of ``fact`` over the scope's period: one grouped query, kept in the
    scope's cache so the figures of one fact (a count and its breakdown) read it once."""
    key = ("analytics:rows", fact.key, tuple(u.pk for u in units))
    if key in scope.cache:
        return scope.cache[key]
    cells = (
        AnalyticsCell.objects.all() if scope.user is None else AnalyticsCell.objects.visible_to(scope.user)
    )
    rows = (
        cells.filter(
            _period_q(scope.start, scope.end), fact=fact.key, whole=True, org__in=[u.pk for u in units]
        )
        .values_list("org_id", "code")
        .annotate(total=Sum("n"))
        .order_by()
    )
    grouped: dict[int, list] = {u.pk: [] for u in units}
    for org_id, code, total in rows:
        if total:
            grouped[org_id].append((code, int(total)))
    scope.cache[key] = grouped
    return grouped


def read(key: str, scope, units: list) -> dict | None:
    """{unit.pk: Figure} of the materialised figure ``key`` for ``units`` over ``scope``'s period, from
    the cells (one query); None when it is not materialised, not built or fresh, or the viewer may not
    see a unit's whole subtree (the caller computes it live)."""
    found = _MATERIALISED.get(key)
    if found is None or not units or not _servable(scope, units):
        return None
    state = states(scope.cache).get(found.fact.key)
    if state is None or not state["fresh"]:
        return None
    grouped = _fact_rows(found.fact, scope, units)
    if scope.served_as_of is None or state["as_of"] < scope.served_as_of:
        scope.served_as_of = state["as_of"]
    if found.prepare is None:
        return {pk: found.build(sorted(rows)) for pk, rows in grouped.items()}
    context = found.prepare()
    return {pk: found.build(sorted(rows), context) for pk, rows in grouped.items()}
