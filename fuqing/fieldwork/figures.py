"""Field work's figures (FLD-2, FLD-4, FLD-5) in the platform's one registry (``fuqing.core.figures``):
visits and their methods, the women they met (field work's own head counts, ``Visit.women_met``, and the
visits' ``VisitGroupCount`` rows), cadres' grassroots days. Each is one aggregate over the unit's subtree
and the period; the plain counts also answer many units in one grouped query (``for_units``)."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.core.figures import (
    ANNUAL,
    SUMMARY_KINDS,
    Figure,
    FigureScope,
    by_code,
    compute,
    compute_for_units,
    figure,
    labelled,
    subtree_groups,
    tally,
)
from fuqing.core.scoping import subtree_q
from fuqing.fieldwork.models import Visit, VisitDay, VisitGroupCount, VisitMethod


def visits(scope: FigureScope):
    """The period's visits in the scope (by the day they started)."""
    return scope.rows(Visit).filter(**scope.period("started_on"))


def group_counts(scope: FigureScope, qs=None):
    """The visits' head counts by vulnerable group (FLD-5) of the period's visits."""
    qs = scope.rows(VisitGroupCount) if qs is None else qs
    return qs.filter(**{f"visit__{k}": v for k, v in scope.period("started_on").items()})


def _by_units(scope: FigureScope, units, model, date_field: str, *fields, **aggregates) -> dict:
    return subtree_groups(
        scope.visible(model).filter(**scope.period(date_field)), units, *fields, **aggregates
    )


# --- for activity summaries (SUP-3) --------------------------------------------------------------


def _visits_figure(rows) -> Figure:
    return tally("visits", "走访调研", labelled(by_code(rows), VisitMethod.choices), "次", "走访方式")


@figure("visits", gettext_lazy("走访调研"), order=10, summaries=SUMMARY_KINDS)
def summary_visits(scope: FigureScope) -> Figure:
    """Visits the unit and its subtree started in the period, by method (FLD-2)."""
    return _visits_figure(visits(scope).values_list("method").annotate(n=Count("pk")).order_by("method"))


@summary_visits.for_units
def summary_visits_for_units(scope: FigureScope, units) -> dict:
    found = _by_units(scope, units, Visit, "started_on", "method", n=Count("pk"))
    return {pk: _visits_figure([(r["method"], r["n"]) for r in rows]) for pk, rows in found.items()}


@figure("women_met", gettext_lazy("走访妇女"), order=20, summaries=SUMMARY_KINDS)
def women_met(scope: FigureScope) -> Figure:
    """Women the period's visits met, from field work's own head counts (FLD-2), with the vulnerable
    groups among them from the visits' group counts (FLD-5, REG-2): two aggregates. Head counts add
    up per visit (人次): a woman met twice counts twice, and may belong to several groups."""
    value = visits(scope).aggregate(n=Sum("women_met"))["n"] or 0
    groups = []
    if value:
        groups = [
            [name, n]
            for name, n in group_counts(scope)
            .values_list("group__name")
            .annotate(n=Sum("count"))
            .order_by("-n", "group__name")
            if n
        ]
    return Figure(
        "women_met",
        "走访妇女",
        value,
        "人次",
        note="按各次走访登记的走访妇女人数合计；困难群体人数可有交叉",
        breakdown=groups,
        breakdown_title="困难群体",
    )


@figure("fieldwork.grassroots_days", gettext_lazy("下基层天数"), order=25, summaries=(ANNUAL,))
def grassroots_days(scope: FigureScope) -> Figure:
    """Cadres' days at the grassroots on the subtree's visits in the period (FLD-4): a day counts once per
    cadre however many visits she made that day."""
    days = scope.rows(VisitDay).filter(**scope.period("day")).values("user", "day").distinct().count()
    return _days_figure(days)


def _days_figure(days: int) -> Figure:
    return Figure(
        "fieldwork.grassroots_days",
        _("下基层天数"),
        days,
        _("人天"),
        note=_("每名干部每天计一次，同一天多次走访不重复计算"),
    )


@grassroots_days.for_units
def grassroots_days_for_units(scope: FigureScope, units) -> dict:
    """One query per depth among the units: the distinct (unit, cadre, day) rows counted per unit — a
    set-based count, not a distinct over text built from every row."""
    days = scope.visible(VisitDay).filter(**scope.period("day"))
    found = {unit.pk: 0 for unit in units}
    by_length: dict[int, dict] = {}
    for unit in units:
        by_length.setdefault(len(unit.path), {})[unit.path] = unit
    for length, paths in by_length.items():
        within = Q()
        for path in _ranges(list(paths)):
            within |= subtree_q(path, "visit__org__path")
        inner = (
            days.filter(within)
            .annotate(unit_path=Substr("visit__org__path", 1, length))
            .values("unit_path", "user_id", "day")
            .distinct()
            .order_by()
        )
        try:
            sql, params = inner.query.sql_with_params()  # the ORM's own SQL, its values as parameters
        except EmptyResultSet:  # nothing visible (e.g. a scope that holds none of these rows)
            continue
        grouped = f"SELECT t.unit_path, COUNT(*) FROM ({sql}) t GROUP BY t.unit_path"  # noqa: S608
        with connections[inner.db].cursor() as cursor:  # the database the queryset reads (a replica too)
            cursor.execute(grouped, params)
            for path, n in cursor.fetchall():
                unit = paths.get(path)
                if unit is not None:
                    found[unit.pk] = n
    return {pk: _days_figure(n) for pk, n in found.items()}


def _ranges(paths: list[str]) -> list[str]:
    """The subtrees to read for ``paths`` of one depth: their shared ancestor when there are many."""
    if len(paths) <= 8:
        return paths
    low, high = min(paths), max(paths)
    size = 0
    while size < min(len(low), len(high)) and low[size] == high[size]:
        size += 1
    shared = low[: size - size % 4]
    return [shared] if shared else paths


# --- for research reports (RES-2): ``{{figure:key}}`` ----------------------------------------------


def _visit_count(n: int) -> Figure:
    return Figure("visit_count", _("走访次数"), n, _("次"))


@figure(
    "visit_count",
    gettext_lazy("走访次数"),
    order=110,
    description=gettext_lazy("本单位及下级当年开展走访、调研的次数"),
)
def visit_count(scope: FigureScope) -> Figure:
    return _visit_count(visits(scope).count())


@visit_count.for_units
def visit_count_for_units(scope: FigureScope, units) -> dict:
    found = _by_units(scope, units, Visit, "started_on", n=Count("pk"))
    return {pk: _visit_count(rows[0]["n"] if rows else 0) for pk, rows in found.items()}


@figure(
    "visits_by_method",
    gettext_lazy("走访方式"),
    order=111,
    description=gettext_lazy("当年走访按方式（访谈、座谈、入户等）分类"),
)
def visits_by_method(scope: FigureScope) -> Figure:
    rows = visits(scope).values_list("method").annotate(n=Count("pk")).order_by("-n", "method")
    counts = labelled(rows, VisitMethod.choices)
    return tally(
        "visits_by_method", _("走访方式"), counts, _("次"), _("走访方式"), table_title=_("走访方式统计")
    )


def _women_visited(total) -> Figure:
    return Figure(
        "women_visited", _("走访妇女人数"), total or 0, _("人次"), note=_("按各次走访登记的人数合计。")
    )


@figure(
    "women_visited",
    gettext_lazy("走访妇女人数"),
    order=112,
    description=gettext_lazy("当年走访登记的走访妇女人数合计（人次）"),
)
def women_visited(scope: FigureScope) -> Figure:
    """Field work's own head counts (FLD-2): the women each visit met, added up over the period."""
    return _women_visited(visits(scope).aggregate(n=Sum("women_met"))["n"])


@women_visited.for_units
def women_visited_for_units(scope: FigureScope, units) -> dict:
    found = _by_units(scope, units, Visit, "started_on", n=Sum("women_met"))
    return {pk: _women_visited(rows[0]["n"] if rows else 0) for pk, rows in found.items()}


@figure(
    "women_visited_by_group",
    gettext_lazy("走访妇女（按困难群体）"),
    order=113,
    description=gettext_lazy("当年走访妇女中各困难群体的人数（按各次走访登记的群体人数合计）"),
)
def women_visited_by_group(scope: FigureScope) -> Figure:
    """The visits' group counts (FLD-5) added up per vulnerable group, beside the women met in all."""
    rows = (
        group_counts(scope)
        .values("group__name", "group__sort")
        .annotate(n=Sum("count"))
        .order_by("-n", "group__sort", "group__name")
    )
    return _women_visited_by_group(rows, compute("women_visited", scope).value)


@women_visited_by_group.for_units
def women_visited_by_group_for_units(scope: FigureScope, units) -> dict:
    """Many units in one grouped query per depth (a research book of many live reports, issue 16)."""
    found = subtree_groups(
        group_counts(scope, scope.visible(VisitGroupCount)),
        units,
        "group__name",
        "group__sort",
        path_field="visit__org__path",
        n=Sum("count"),
    )
    totals = compute_for_units("women_visited", scope, units)
    return {
        pk: _women_visited_by_group(
            sorted(rows, key=lambda r: (-(r["n"] or 0), r["group__sort"], r["group__name"])), totals[pk].value
        )
        for pk, rows in found.items()
    }


def _women_visited_by_group(rows, total) -> Figure:
    counts = [[r["group__name"], r["n"]] for r in rows if r["n"]]
    return tally(
        "women_visited_by_group",
        _("走访妇女（按困难群体）"),
        counts,
        _("人次"),
        _("困难群体"),
        total=total,
        note=_("一人可属多个群体，也可不属于任何群体；合计为走访妇女人数。"),
        table_title=_("走访妇女按困难群体统计"),
    )
