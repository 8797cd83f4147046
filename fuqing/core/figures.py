"""Figures: named aggregates over a unit's subtree and a period, one registry for the whole platform.

Each app owns the figures of its registers in ``fuqing/<app>/figures.py`` and imports that module from its
``AppConfig.ready()`` (registered once, at start-up). Everything that shows numbers reads them here:
activity summaries (SUP-3, ``campaigns.summaries``), research reports' ``{{figure:key}}`` (RES-2, frozen
at submission with ``snapshot``), the dashboards drilling down to a unit's children and assessment ranking
a province's units (``compute_for_units``). Core knows no app: providers reach models through their own
app, never the other way round.

The interface (stable; other apps build on it)::

    from fuqing.core.figures import Figure, FigureScope, figure, compute, compute_for_units, snapshot

    @figure("building.homes_coverage", label, order=10)  # label: a gettext_lazy string
    def homes_coverage(scope: FigureScope) -> Figure:
        ...  # one aggregate over scope.org's subtree, scope.start..scope.end (scope.rows(Model) helps)

    @homes_coverage.for_units  # optional: many units in a bounded number of queries
    def homes_coverage_for_units(scope: FigureScope, units: list[Org]) -> dict[int, Figure]:
        ...  # one grouped query (``subtree_groups`` helps); keyed by unit pk

    compute("building.homes_coverage", FigureScope(org, start, end))        # -> Figure | None
    compute_for_units("building.homes_coverage", scope, children)          # -> {unit.pk: Figure}
    snapshot(["needs_count"], scope)                                       # -> JSON-ready {key: data}

``figure(key, label, order=100, description="", summaries=(), replace=False)``:

- ``key``: lower-case letters, digits, ``_`` and ``.``; new figures are named ``<app>.<name>``. The older
  keys (``visit_count``, ``needs_by_status``…) stay as they are: reports' texts and snapshots hold them.
  A second registration under a key raises, unless ``replace=True`` (an app taking a figure over) or it
  is the same function imported again.
- ``order``: the place in lists (summaries' table, the research figure list).
- ``summaries``: the kinds of activity summary the figure appears in (``"survey_month"``, ``"annual"``);
  empty for figures that summaries do not print.

``FigureScope(org, start, end, campaign=None, user=None, kind="")``: ``org``'s subtree, ``start``..``end``
inclusive, the campaign when there is one (its year otherwise ``start.year``), the viewer (``rows`` keeps
what she may see; None: everything, for documents of record), the purpose (a summary's kind).
``FigureScope.of_year(org, year)`` is a calendar year; ``FigureScope.frozen(...)`` holds a snapshot and
computes nothing. A scope caches what it computed, so a figure reused by another is computed once.

``Figure(key, label, value, unit="", note="", breakdown=[...])``: ``value`` is the number (None: the register
has no data, say why in ``note``; ``Figure.missing``); ``breakdown`` the rows of its table
(``[label, n]``, or ``[label, n1, n2, …, total]`` with ``columns`` naming the value columns), headed by
``breakdown_title``; ``table_title`` the table's caption when not the label (``caption``: either). The
names research reports' figures had (``title``, ``rows``, ``total``, ``total_text``) read the same.

``compute_for_units``: a provider's ``for_units`` answers all units at once. Without one the fallback
computes the figure unit by unit (queries grow with the units: give a provider ``for_units`` before a
page calls it for many units). ``subtree_groups`` is the grouped query a ``for_units`` needs: one
``GROUP BY`` on the path prefix per depth among the units.

Analytics tables (``fuqing.core.analytics``): a figure an app declares materialised is read by
``compute`` and ``compute_for_units`` from its analytics cells when they are built and fresh and the
viewer may see the units' whole subtrees (one query for all units); the scope then carries
``served_as_of``, when those cells were counted. Otherwise the provider computes it live, as before.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from fuqing.core.scoping import subtree_q

SURVEY_MONTH = "survey_month"  # the kinds of activity summary (SUP-3) a figure may appear in
ANNUAL = "annual"
SUMMARY_KINDS = (SURVEY_MONTH, ANNUAL)


@dataclass
class FigureScope:
    """Whose data a figure counts: ``org``'s subtree from ``start`` to ``end`` (inclusive), as far as
    ``user`` may see (None: all of it)."""

    org: Any
    start: datetime.date
    end: datetime.date
    campaign: Any = None
    user: Any = None
    kind: str = ""
    as_of: datetime.datetime | None = None  # set for a snapshot: nothing is computed, the cache is all
    # when figures were read from the analytics tables: the oldest "as of" among them (None: live)
    served_as_of: datetime.datetime | None = None
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of_year(cls, org, year: int, user=None, campaign=None) -> FigureScope:
        return cls(org, datetime.date(year, 1, 1), datetime.date(year, 12, 31), campaign=campaign, user=user)

    @classmethod
    def frozen(cls, org, year: int, data: dict, as_of: datetime.datetime) -> FigureScope:
        """The figures of a snapshot (``snapshot``'s dict), as they were at ``as_of``."""
        scope = cls.of_year(org, year)
        scope.cache = {key: Figure.from_data(value, key) for key, value in (data or {}).items() if value}
        scope.as_of = as_of
        return scope

    @property
    def year(self) -> int:
        return self.campaign.year if self.campaign is not None else self.start.year

    @property
    def is_frozen(self) -> bool:
        return self.as_of is not None

    def visible(self, model):
        """``model``'s rows the viewer may see (all of them without a viewer), anywhere in the tree."""
        qs = model._default_manager.all()
        return qs.visible_to(self.user) if self.user is not None else qs

    def rows(self, model):
        """``model``'s rows in the unit's subtree the viewer may see."""
        return self.visible(model).in_subtree(self.org)

    def period(self, field_name: str) -> dict:
        """Filter keywords keeping ``field_name`` (a date or a moment) inside the period."""
        return {
            f"{field_name}__gte": self.start,
            f"{field_name}__lt": self.end + datetime.timedelta(days=1),
        }

    def for_unit(self, org) -> FigureScope:
        """The same period, viewer and purpose for another unit (a fresh cache)."""
        return replace(self, org=org, cache={})


@dataclass
class Figure:
    key: str
    label: str
    value: int | Decimal | None
    unit: str = ""
    note: str = ""
    breakdown: list = field(default_factory=list)  # rows: [label, n] or [label, n1, …, total]
    breakdown_title: str = ""  # the heading of the rows' label column (走访方式)
    breakdown_unit: str = ""  # the breakdown's unit when not the figure's (a rate in %)
    columns: list = field(default_factory=list)  # headings of the value columns (default: 数量)
    table_title: str = ""  # the table's caption when not the label (走访方式统计)

    @property
    def caption(self) -> str:
        return str(self.table_title or self.label)

    # The names research reports' figures had (title, rows, total, total_text), for their readers.
    title = property(lambda self: self.caption)
    rows = property(lambda self: self.breakdown)
    total = property(lambda self: self.value)
    total_text = property(lambda self: self.value_text)

    @property
    def has_data(self) -> bool:
        return self.value is not None and self.value > 0

    @property
    def value_text(self) -> str:
        return "—" if self.value is None else f"{self.value}{self.unit}"

    @property
    def headers(self) -> list[str]:
        """The table's header row; empty for a figure that is one number."""
        if not self.breakdown_title:
            return []
        return [str(self.breakdown_title), *(str(c) for c in self.columns or [_("数量")])]

    def table_rows(self) -> list[list[str]]:
        """Header, rows and a 合计 line, as text (for Word tables)."""
        rows = [self.headers] + [[str(v) for v in row] for row in self.breakdown]
        if self.breakdown and self.value is not None and len(self.headers) == 2:
            rows.append([_("合计"), str(self.value)])
        return rows

    @classmethod
    def missing(cls, key: str, label, reason) -> Figure:
        return cls(key, str(label), None, note=str(reason))

    def to_data(self) -> dict:
        """The figure as JSON-ready data (decimals as exact text), for a report's snapshot. The names are
        those snapshots have always had (title, headers, rows, total), so frozen reports read the same."""
        return {
            "title": self.caption,
            "label": str(self.label),
            "headers": self.headers,
            "rows": [[_plain(v) for v in row] for row in self.breakdown],
            "total": _plain(self.value),
            "unit": str(self.unit),
            "note": str(self.note),
            "breakdown_unit": str(self.breakdown_unit),
        }

    @classmethod
    def from_data(cls, data: dict, key: str = "") -> Figure:
        total = data.get("total")
        headers = [str(h) for h in data.get("headers") or []]
        title = str(data.get("title", ""))
        return cls(
            key=key,
            label=str(data.get("label") or title),
            value=Decimal(total) if isinstance(total, str) else total,
            unit=data.get("unit", ""),
            note=data.get("note", ""),
            breakdown=[list(row) for row in data.get("rows") or []],
            breakdown_title=headers[0] if headers else "",
            breakdown_unit=data.get("breakdown_unit", ""),
            columns=headers[1:],
            table_title=title,
        )


def _plain(value):
    """A cell or total as JSON: numbers stay numbers, decimals become exact text, the rest text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


# --- the registry ---------------------------------------------------------------------------------

UnitsFunc = Callable[[FigureScope, list], dict]


@dataclass
class Provider:
    key: str
    label: Any
    func: Callable[[FigureScope], Figure]
    order: int = 100
    description: Any = ""
    summaries: tuple[str, ...] = ()
    units_func: UnitsFunc | None = None

    def compute(self, scope: FigureScope) -> Figure:
        return self.func(scope)


_PROVIDERS: dict[str, Provider] = {}


def _valid_key(key: str) -> bool:
    return bool(key) and key == key.lower() and key.replace("_", "").replace(".", "").isalnum()


def figure(
    key: str,
    label,
    order: int = 100,
    description="",
    summaries: Iterable[str] = (),
    replace: bool = False,
):
    """Register ``func(scope) -> Figure`` under ``key``; the function gains ``.for_units`` (a decorator
    for its grouped many-units implementation) and ``.key``."""
    if not _valid_key(key):
        raise ValueError(f"figure keys are lower-case letters, digits, _ and .: {key}")

    def decorate(func):
        known = _PROVIDERS.get(key)
        same = known is not None and (known.func.__module__, known.func.__qualname__) == (
            func.__module__,
            func.__qualname__,
        )
        if known is not None and not (replace or same):
            raise ValueError(f"figure {key} is already registered")
        provider = Provider(key, label, func, order, description, tuple(summaries))
        _PROVIDERS[key] = provider

        def for_units(units_func: UnitsFunc) -> UnitsFunc:
            provider.units_func = units_func
            return units_func

        func.key = key
        func.for_units = for_units
        return func

    return decorate


def providers(summary: str | None = None) -> list[Provider]:
    """Every provider in order, or those a summary of kind ``summary`` prints."""
    chosen = _PROVIDERS.values()
    if summary is not None:
        chosen = [p for p in chosen if summary in p.summaries]
    return sorted(chosen, key=lambda p: (p.order, p.key))


def get_provider(key: str) -> Provider | None:
    return _PROVIDERS.get(key)


def compute(key: str, scope: FigureScope) -> Figure | None:
    """The figure for ``key`` (computed once per scope), or None for an unknown key. A frozen scope
    computes nothing: it has the snapshot's figures or None."""
    if scope.is_frozen:
        return scope.cache.get(key)
    if key not in scope.cache:
        provider = _PROVIDERS.get(key)
        served = _analytics().read(key, scope, [scope.org]) if provider and scope.org is not None else None
        if served is not None:
            scope.cache[key] = served[scope.org.pk]
        else:
            scope.cache[key] = provider.func(scope) if provider else None
    return scope.cache[key]


def compute_for_units(key: str, scope: FigureScope, units) -> dict[int, Figure]:
    """``{unit.pk: Figure}`` for ``units`` over the scope's period and viewer (its ``org`` is ignored).
    One grouped answer from the provider's ``for_units``; without one, unit by unit (see the module's
    note). An unknown key raises ``KeyError``."""
    provider = _PROVIDERS[key]
    units = list(units)
    if not units:
        return {}
    served = _analytics().read(key, scope, units)
    if served is not None:
        return served
    if provider.units_func is not None:
        return provider.units_func(scope, units)
    return {unit.pk: compute(key, scope.for_unit(unit)) for unit in units}


def _analytics():
    """The analytics tables (``fuqing.core.analytics``), imported when first read: they hold models."""
    from fuqing.core import analytics

    return analytics


def snapshot(keys, scope: FigureScope) -> dict:
    """``{key: figure data}`` of the known ``keys`` computed now for ``scope`` (a report's frozen figures)."""
    taken = {}
    for key in dict.fromkeys(keys):
        found = compute(key, scope)
        if found is not None:
            taken[key] = found.to_data()
    return taken


# --- helpers for providers ------------------------------------------------------------------------


def labelled(rows, choices, unset: str = "") -> list[list]:
    """``(code, n)`` rows as ``[label, n]`` with the choices' labels (never a bare code)."""
    labels = {str(k): str(v) for k, v in choices}
    return [[labels.get(str(code), str(code or unset or _("未填"))), n] for code, n in rows if n]


def tally(key: str, label, counts, unit, breakdown_title, total=None, **extra) -> Figure:
    """A count and its breakdown table: ``counts`` are ``[label, n]`` rows; the value is their sum unless
    ``total`` is given (a woman in several groups counts once in all). ``extra``: note, table_title…"""
    counts = [list(row) for row in counts]
    value = sum(row[-1] for row in counts) if total is None else total
    return Figure(
        key, str(label), value, str(unit), breakdown=counts, breakdown_title=str(breakdown_title), **extra
    )


def by_code(rows) -> list:
    """``(code, n)`` rows in the codes' order (a grouped query answers in any order)."""
    return sorted(rows, key=lambda row: str(row[0] or ""))


def subtree_groups(qs, units, *fields: str, path_field: str | None = None, **aggregates) -> dict:
    """``{unit.pk: [row, …]}``: ``qs`` grouped by the unit whose subtree holds each row (and by
    ``fields``), with ``aggregates`` per group; one query per depth among ``units``. Units' subtrees
    of the same depth never overlap; nested units at different depths are each counted whole.

    ``path_field`` is the lookup of the row's organisation path (default: the model's scope field)."""
    if path_field is None:
        scope_field = qs.model.scope_field
        path_field = f"{scope_field}__path" if scope_field else "path"
    found: dict[int, list] = {unit.pk: [] for unit in units}
    by_depth: dict[int, dict[str, Any]] = {}
    for unit in units:
        by_depth.setdefault(len(unit.path), {})[unit.path] = unit
    for length, paths in by_depth.items():
        within = Q()
        for path in paths:
            within |= subtree_q(path, path_field)
        rows = (
            qs.filter(within)
            .annotate(figure_unit_path=Substr(path_field, 1, length))
            .values("figure_unit_path", *fields)
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            unit = paths.get(row.pop("figure_unit_path"))
            if unit is not None:
                found[unit.pk].append(row)
    return found
