"""Lists that cost the same on page 1 and on page 2,000, and never count a million rows (issue 16).

``paginate(request, queryset)`` returns a ``ListPage`` the list templates use like Django's ``Page``:

* **Keyset paging.** "Next" and "previous" carry the id of the page's last (first) row, ``?after=`` /
  ``?before=``, never its values (a name is personal data and stays out of the address). The row is found
  again *through the list's own scoped queryset* — an id outside the user's scope, or a row gone since,
  starts from the first page — and the page is the rows strictly after it in the list's order
  (``WHERE (k1, k2, id) > (…) ORDER BY … LIMIT``), which an index walks as cheaply for page 2,000 as for
  page 1. The order always ends with the primary key, so no row is skipped or shown twice. ``?page=N``
  (an old bookmark) still works by offset.
* **Counts that stop at a threshold.** Up to ``EXACT_COUNT_LIMIT`` rows are counted exactly; past it the
  page shows an estimate (PostgreSQL's planner estimate of the same filtered query, "about N") or, where
  the engine has none, "more than 10,000". Whether the threshold is passed is itself exact (one count of
  at most ``limit + 1`` rows, which is the exact count of a small list), so an estimate never stands in
  for a small, exact number (a list found past the threshold is remembered as such for a minute).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Q
from django.db.models.expressions import OrderBy

EXACT_COUNT_LIMIT = 10_000
PER_PAGE = 50
CURSOR_PARAMS = ("after", "before", "n", "page")


@dataclass(frozen=True, eq=False)
class ListCount:
    """How many rows a list holds: ``value`` exact, or (``exact`` False) at least ``EXACT_COUNT_LIMIT``
    and ``value`` the planner's estimate (0 when the engine gives none: "more than N" only)."""

    value: int
    exact: bool = True
    limit: int = EXACT_COUNT_LIMIT

    def __bool__(self) -> bool:
        return self.value > 0 or not self.exact

    def __int__(self) -> int:
        return self.value

    def __eq__(self, other) -> bool:
        if isinstance(other, int):
            return self.exact and self.value == other
        if isinstance(other, ListCount):
            return (self.value, self.exact, self.limit) == (other.value, other.exact, other.limit)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.value, self.exact, self.limit))

    def __str__(self) -> str:
        return str(self.value)

    @property
    def estimated(self) -> bool:
        return not self.exact and self.value > 0


def planner_estimate(queryset) -> int | None:
    """The planner's row estimate for ``queryset`` (PostgreSQL's EXPLAIN), None on other engines."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def count_rows(queryset, limit: int | None = None) -> ListCount:
    """Exactly, up to ``limit`` rows; above it an estimate (never a COUNT over every row).

    That a list is past the threshold is remembered for ``BIG_SECONDS`` per query (its SQL names the
    scope and the filters), so the probe and the estimate are not paid on every page of a big list;
    small lists are always counted exactly, so a row added shows in the count at once."""
    limit = EXACT_COUNT_LIMIT if limit is None else limit
    bare = queryset.order_by()
    key = _big_key(bare, limit)
    if key is not None and (known := cache.get(key)) is not None:
        return known
    # One bounded count: it reads at most limit + 1 rows, and a small list is counted by the same query.
    counted = bare.values("pk")[: limit + 1].count()
    if counted <= limit:
        return ListCount(counted, exact=True, limit=limit)
    estimate = planner_estimate(bare)
    found = ListCount(max(estimate, limit + 1) if estimate is not None else 0, exact=False, limit=limit)
    if key is not None:
        cache.set(key, found, BIG_SECONDS)
    return found


BIG_SECONDS = 60


def _big_key(queryset, limit: int) -> str | None:
    try:
        sql, params = queryset.values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    raw = f"{queryset.db}|{limit}|{sql}|{params!r}"
    return "fuqing:paging:big:" + hashlib.sha1(raw.encode()).hexdigest()  # noqa: S324 (a key)


@dataclass(frozen=True)
class _Key:
    field: str
    descending: bool
    nullable: bool
    nulls_last: bool = True

    def reversed(self) -> _Key:
        return _Key(self.field, not self.descending, self.nullable, not self.nulls_last)

    def order(self):
        expression = F(self.field)
        if not self.nullable:
            return expression.desc() if self.descending else expression.asc()
        kind = {"nulls_last": True} if self.nulls_last else {"nulls_first": True}
        return expression.desc(**kind) if self.descending else expression.asc(**kind)

    def after(self, value) -> Q | None:
        """Rows after ``value`` in this key's order (None: no row can be)."""
        if value is None:
            # nulls last: nothing comes after a null; nulls first: every non-null does
            return None if self.nulls_last else Q(**{f"{self.field}__isnull": False})
        q = Q(**{f"{self.field}__{'lt' if self.descending else 'gt'}": value})
        if self.nullable and self.nulls_last:
            q |= Q(**{f"{self.field}__isnull": True})
        return q

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.field}__isnull": True})
        return Q(**{self.field: value})


def _nullable(model, path: str) -> bool:
    nullable = False
    for part in path.split("__"):
        field = model._meta.get_field(part)
        nullable = nullable or field.null
        if field.is_relation:
            model = field.related_model
    return nullable


def _keys(queryset) -> list[_Key]:
    """The queryset's order as keys, ending with the primary key (added when missing)."""
    model = queryset.model
    keys = []
    for item in queryset.query.order_by or model._meta.ordering:
        if isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
        elif isinstance(item, str):
            name, descending = item.lstrip("-"), item.startswith("-")
        else:
            raise ValueError(f"keyset paging needs plain field orderings, not {item!r}")
        if name == "pk":
            name = model._meta.pk.name
        try:
            keys.append(_Key(name, descending, _nullable(model, name)))
        except FieldDoesNotExist:
            raise ValueError(f"keyset paging: unknown ordering {name}") from None
        if name == model._meta.pk.name:
            return keys
    last_descending = keys[-1].descending if keys else False
    return [*keys, _Key(model._meta.pk.name, last_descending, False)]


def _after_q(keys: list[_Key], values: list) -> Q:
    """(k1, k2, …) after (v1, v2, …) lexicographically, with a plain range on the first key when it
    cannot be null (so an index on it is used)."""
    q = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        after = key.after(value)
        if after is not None:
            q |= equal & after
        equal &= key.equal(value)
    first, value = keys[0], values[0]
    if not first.nullable and value is not None:
        q &= Q(**{f"{first.field}__{'lte' if first.descending else 'gte'}": value})
    return q


class _Counter:
    """``page.paginator``: the count (and the number of pages when it is exact), as templates read it."""

    def __init__(self, count: ListCount, per_page: int):
        self.count = count
        self.per_page = per_page

    @property
    def num_pages(self) -> int | None:
        if not self.count.exact:
            return None
        return max(1, -(-self.count.value // self.per_page))


class ListPage:
    keyset = True

    def __init__(self, rows, number, count, per_page, has_next, has_previous, params, first_pk, last_pk):
        self.object_list = rows
        self.number = number
        self.paginator = _Counter(count, per_page)
        self._has_next = has_next
        self._has_previous = has_previous
        self._params = params
        self._first_pk = first_pk
        self._last_pk = last_pk

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self._has_previous

    def has_other_pages(self) -> bool:
        return self._has_next or self._has_previous

    @property
    def count(self) -> ListCount:
        return self.paginator.count

    def _query(self, **cursor) -> str:
        params = self._params.copy()
        for name in CURSOR_PARAMS:
            params.pop(name, None)
        for name, value in cursor.items():
            params[name] = str(value)
        return params.urlencode()

    @property
    def next_query(self) -> str:
        return self._query(after=self._last_pk, n=self.number + 1)

    @property
    def previous_query(self) -> str:
        if self.number <= 2:
            return self._query()
        return self._query(before=self._first_pk, n=self.number - 1)


def _boundary(queryset, keys: list[_Key], raw: str):
    """The order values of the row ``raw`` names, found through the (scoped) queryset; None if absent."""
    try:
        row = queryset.order_by().filter(pk=raw).values_list(*[k.field for k in keys]).first()
    except (ValueError, TypeError, ValidationError, OverflowError):
        return None
    return list(row) if row is not None else None


def _number(raw: str | None, default: int = 1) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 10**9 else default


def _window(queryset, orders: list, offset: int, limit: int) -> list:
    """The rows ``offset``…``offset + limit`` in ``orders``. The page's ids are chosen first, on the
    list's own tables (its scope and filters), and only those rows are joined to what the page shows
    (``select_related``): otherwise the database may join every candidate row — a district's six
    thousand needs, each to its woman — before sorting them to keep fifty."""
    if not queryset.query.select_related:
        return list(queryset.order_by(*orders)[offset : offset + limit])
    ids = queryset.order_by(*orders).values("pk")[offset : offset + limit]
    return list(queryset.filter(pk__in=ids).order_by(*orders))


def paginate(request, queryset, per_page: int = PER_PAGE, count: bool = True) -> ListPage:
    """The page of ``queryset`` (already scoped and ordered) the request asks for."""
    params = request.GET
    keys = _keys(queryset)
    cursor = params.get("after") or params.get("before")
    backwards = not params.get("after") and bool(params.get("before"))
    values = _boundary(queryset, keys, cursor) if cursor else None
    if values is not None:
        use = [k.reversed() for k in keys] if backwards else keys
        window = _window(queryset.filter(_after_q(use, values)), [k.order() for k in use], 0, per_page + 1)
        more = len(window) > per_page
        rows = window[:per_page]
        number = _number(params.get("n"), 2)
        if backwards:
            rows.reverse()
            has_previous, has_next = more, True
            number = number if more else 1
        else:
            has_previous, has_next = True, more
    else:
        number = _number(params.get("page")) if not cursor else 1
        offset = (number - 1) * per_page
        orders = [k.order() for k in keys]
        window = _window(queryset, orders, offset, per_page + 1)
        if not window and number > 1:  # past the end (an old bookmark): the first page
            number, offset = 1, 0
            window = _window(queryset, orders, 0, per_page + 1)
        rows = window[:per_page]
        has_next, has_previous = len(window) > per_page, number > 1
    total = count_rows(queryset) if count else ListCount(0, exact=False)
    first_pk = rows[0].pk if rows else ""
    last_pk = rows[-1].pk if rows else ""
    return ListPage(rows, number, total, per_page, has_next, has_previous, params, first_pk, last_pk)


def cursor_at(queryset, offset: int) -> str | None:
    """The ``after`` cursor that opens the page starting at row ``offset`` (benchmarks, tests)."""
    keys = _keys(queryset)
    row = queryset.order_by(*[k.order() for k in keys]).values_list("pk", flat=True)[offset - 1 : offset]
    found = list(row)
    return str(found[0]) if found else None
