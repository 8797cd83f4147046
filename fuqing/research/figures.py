"""Figures in reports (RES-2): ``{{figure:key}}`` in a report's text becomes a table (on a line of its
own) or a number (inside a sentence). A draft's figures are live, computed when it is shown; a submitted
report's are the snapshot taken when it was submitted (``snapshot``, ``FigureScope.frozen``), so review,
the Qiushi Cup, the book and the Word file show the figures as submitted.

A provider is a function of a ``FigureScope`` (the report's unit, its year, the viewer) returning a
``Figure``; every provider is an aggregate over the unit's subtree and the year, run in the database.
Other apps add or improve figures with ``@register(key, label)`` (``replace=True`` to take over a key,
e.g. the assistance app's own ``needs_by_category`` once needs have categories).

The providers read the owning apps' real fields: field work's head counts (``Visit.women_met``, the visits'
``VisitGroupCount`` rows), the needs register's categories and outcomes, the registry's groups of a woman.
Each is one grouped query (``women_visited_by_group`` also reuses ``women_visited``'s total).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

UNSET = _("未标注")
UNSORTED = 10**6  # needs without a category come after the dictionary's entries


@dataclass
class FigureScope:
    """Whose data a figure counts: ``org``'s subtree in ``year``, as far as ``user`` may see."""

    org: object
    year: int
    user: object = None
    cache: dict = field(default_factory=dict)
    as_of: datetime.datetime | None = None  # set for a snapshot: nothing is computed, the cache is all

    @classmethod
    def frozen(cls, org, year: int, data: dict, as_of: datetime.datetime) -> FigureScope:
        """The figures of a snapshot (``snapshot``'s dict), as they were at ``as_of``."""
        cache = {key: Figure.from_data(value) for key, value in (data or {}).items() if value}
        return cls(org, year, cache=cache, as_of=as_of)

    @property
    def is_frozen(self) -> bool:
        return self.as_of is not None

    def rows(self, model):
        qs = model._default_manager.in_subtree(self.org)
        return qs.visible_to(self.user) if self.user is not None else qs

    def year_range(self, field_name: str) -> dict:
        return {
            f"{field_name}__gte": datetime.date(self.year, 1, 1),
            f"{field_name}__lt": datetime.date(self.year + 1, 1, 1),
        }


@dataclass
class Figure:
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    total: int | Decimal | None = None
    unit: str = ""
    note: str = ""

    @property
    def total_text(self) -> str:
        return "—" if self.total is None else f"{self.total}{self.unit}"

    def table_rows(self) -> list[list[str]]:
        """Header, rows and a 合计 line, as text (for Word tables)."""
        rows = [list(self.headers)] + [[str(v) for v in row] for row in self.rows]
        if self.rows and self.total is not None and len(self.headers) == 2:
            rows.append([_("合计"), str(self.total)])
        return rows

    def to_data(self) -> dict:
        """The figure as JSON-ready data (decimals as text, kept exact), for a report's snapshot."""
        return {
            "title": str(self.title),
            "headers": [str(h) for h in self.headers],
            "rows": [[_plain(v) for v in row] for row in self.rows],
            "total": _plain(self.total),
            "unit": str(self.unit),
            "note": str(self.note),
        }

    @classmethod
    def from_data(cls, data: dict) -> Figure:
        total = data.get("total")
        return cls(
            title=data.get("title", ""),
            headers=list(data.get("headers") or []),
            rows=[list(row) for row in data.get("rows") or []],
            total=Decimal(total) if isinstance(total, str) else total,
            unit=data.get("unit", ""),
            note=data.get("note", ""),
        )


def _plain(value):
    """A cell or total as JSON: numbers stay numbers, decimals become exact text, the rest text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


@dataclass(frozen=True)
class FigureProvider:
    key: str
    label: str
    description: str
    compute: Callable[[FigureScope], Figure]


_PROVIDERS: dict[str, FigureProvider] = {}


def register(key: str, label, description="", replace: bool = False):
    """Register ``func(scope) -> Figure`` under ``key`` (letters, digits and _)."""

    def decorate(func):
        if not key.replace("_", "").isalnum() or key != key.lower():
            raise ValueError(f"figure keys are lower-case letters, digits and _: {key}")
        if key in _PROVIDERS and not replace:
            raise ValueError(f"figure {key} is already registered")
        _PROVIDERS[key] = FigureProvider(key, label, description, func)
        return func

    return decorate


def providers() -> list[FigureProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: p.key)


def get_provider(key: str) -> FigureProvider | None:
    return _PROVIDERS.get(key)


def compute(key: str, scope: FigureScope) -> Figure | None:
    """The figure for ``key`` (computed once per scope), or None for an unknown key. A frozen scope
    computes nothing: it has the snapshot's figures or None."""
    if scope.is_frozen:
        return scope.cache.get(key)
    if key not in scope.cache:
        provider = _PROVIDERS.get(key)
        scope.cache[key] = provider.compute(scope) if provider else None
    return scope.cache[key]


def snapshot(keys, scope: FigureScope) -> dict:
    """``{key: figure data}`` of the known ``keys`` computed now for ``scope`` (a report's frozen figures)."""
    taken = {}
    for key in dict.fromkeys(keys):
        figure = compute(key, scope)
        if figure is not None:
            taken[key] = figure.to_data()
    return taken


# --- helpers over the contract models -------------------------------------------------------------


def _model(label: str):
    return apps.get_model(label)


def _labels(model, field_name: str) -> dict:
    return {str(k): str(v) for k, v in model._meta.get_field(field_name).flatchoices}


def _two_columns(title, header, counts: list[tuple[str, int]], unit: str, total=None, note="") -> Figure:
    rows = [[label, n] for label, n in counts]
    return Figure(
        title=str(title),
        headers=[str(header), _("数量")],
        rows=rows,
        total=sum(n for _label, n in counts) if total is None else total,
        unit=unit,
        note=str(note),
    )


def visits(scope: FigureScope):
    return scope.rows(_model("fieldwork.Visit")).filter(**scope.year_range("started_on"))


def needs(scope: FigureScope):
    return scope.rows(_model("assistance.Need")).filter(**scope.year_range("reported_on"))


def group_counts(scope: FigureScope):
    """The visits' head counts by vulnerable group (FLD-5): field work's ``VisitGroupCount`` rows of the
    year's visits in the scope."""
    return scope.rows(_model("fieldwork.VisitGroupCount")).filter(
        **{f"visit__{k}": v for k, v in scope.year_range("started_on").items()}
    )


def _category_rows(qs, *extra: str) -> list[dict]:
    """Needs grouped by their category of the dictionary (NEED-1), in the dictionary's order; needs
    without one under 未标注. One GROUP BY."""
    rows = qs.values("category__name", "category__sort", *extra).annotate(n=Count("pk"))
    return [{**r, "label": r["category__name"] or UNSET} for r in rows]


# --- the providers --------------------------------------------------------------------------------


@register("visit_count", gettext_lazy("走访次数"), gettext_lazy("本单位及下级当年开展走访、调研的次数"))
def visit_count(scope: FigureScope) -> Figure:
    return Figure(title=_("走访次数"), total=visits(scope).count(), unit=_("次"))


@register(
    "visits_by_method", gettext_lazy("走访方式"), gettext_lazy("当年走访按方式（访谈、座谈、入户等）分类")
)
def visits_by_method(scope: FigureScope) -> Figure:
    labels = _labels(_model("fieldwork.Visit"), "method")
    rows = visits(scope).values("method").annotate(n=Count("pk")).order_by("-n", "method")
    counts = [(labels.get(r["method"], r["method"]), r["n"]) for r in rows]
    return _two_columns(_("走访方式统计"), _("走访方式"), counts, _("次"))


@register(
    "women_visited", gettext_lazy("走访妇女人数"), gettext_lazy("当年走访登记的走访妇女人数合计（人次）")
)
def women_visited(scope: FigureScope) -> Figure:
    """Field work's own head counts (FLD-2): the women each visit met, added up over the year."""
    total = visits(scope).aggregate(n=Sum("women_met"))["n"] or 0
    return Figure(title=_("走访妇女人数"), total=total, unit=_("人次"), note=_("按各次走访登记的人数合计。"))


@register(
    "women_visited_by_group",
    gettext_lazy("走访妇女（按困难群体）"),
    gettext_lazy("当年走访妇女中各困难群体的人数（按各次走访登记的群体人数合计）"),
)
def women_visited_by_group(scope: FigureScope) -> Figure:
    """The visits' group counts (FLD-5) added up per vulnerable group, beside the women met in all."""
    rows = (
        group_counts(scope)
        .values("group__name", "group__sort")
        .annotate(n=Sum("count"))
        .order_by("-n", "group__sort", "group__name")
    )
    counts = [(r["group__name"], r["n"]) for r in rows if r["n"]]
    women = compute("women_visited", scope)
    figure = _two_columns(
        _("走访妇女按困难群体统计"), _("困难群体"), counts, _("人次"), total=women.total if women else None
    )
    figure.note = _("一人可属多个群体，也可不属于任何群体；合计为走访妇女人数。")
    return figure


@register("needs_count", gettext_lazy("诉求件数"), gettext_lazy("当年登记的妇女诉求件数"))
def needs_count(scope: FigureScope) -> Figure:
    return Figure(title=_("诉求件数"), total=needs(scope).count(), unit=_("件"))


@register("needs_resolved", gettext_lazy("已解决诉求件数"), gettext_lazy("当年登记并已解决的诉求件数"))
def needs_resolved(scope: FigureScope) -> Figure:
    return Figure(title=_("已解决诉求"), total=needs(scope).filter(status="resolved").count(), unit=_("件"))


@register(
    "needs_by_status",
    gettext_lazy("诉求办理结果"),
    gettext_lazy("当年诉求按办理结果（已解决、解释疏导等）分类"),
)
def needs_by_status(scope: FigureScope) -> Figure:
    labels = _labels(_model("assistance.Need"), "status")
    rows = needs(scope).values("status").annotate(n=Count("pk")).order_by("-n", "status")
    counts = [(labels.get(r["status"], r["status"]), r["n"]) for r in rows]
    return _two_columns(_("诉求办理结果统计"), _("办理结果"), counts, _("件"))


@register(
    "needs_by_category", gettext_lazy("诉求类别"), gettext_lazy("当年诉求按类别（就业、收入、住房等）分类")
)
def needs_by_category(scope: FigureScope) -> Figure:
    rows = sorted(_category_rows(needs(scope)), key=lambda r: (-r["n"], r["category__sort"] or UNSORTED))
    counts = [(str(r["label"]), r["n"]) for r in rows]
    return _two_columns(_("诉求类别统计"), _("类别"), counts, _("件"))


@register(
    "needs_by_category_and_outcome",
    gettext_lazy("诉求类别与办理结果"),
    gettext_lazy("当年诉求按类别和办理结果交叉统计"),
)
def needs_by_category_and_outcome(scope: FigureScope) -> Figure:
    labels = _labels(_model("assistance.Need"), "status")
    statuses = list(labels)
    table: dict[str, dict[str, int]] = {}
    order: dict[str, int] = {}
    for r in _category_rows(needs(scope), "status"):
        table.setdefault(str(r["label"]), {})[str(r["status"])] = r["n"]
        order[str(r["label"])] = r["category__sort"] or UNSORTED
    body = [
        [label, *(cells.get(s, 0) for s in statuses), sum(cells.values())]
        for label, cells in sorted(table.items(), key=lambda item: (-sum(item[1].values()), order[item[0]]))
    ]
    return Figure(
        title=_("诉求类别与办理结果统计"),
        headers=[_("类别"), *(labels[s] for s in statuses), _("合计")],
        rows=body,
        total=sum(row[-1] for row in body),
        unit=_("件"),
    )


@register(
    "needs_by_group", gettext_lazy("诉求（按困难群体）"), gettext_lazy("当年诉求按反映人所属困难群体分类")
)
def needs_by_group(scope: FigureScope) -> Figure:
    rows = (
        needs(scope)
        .values("woman__groups__name", "woman__groups__sort")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "woman__groups__sort")
    )
    counts = [(r["woman__groups__name"] or UNSET, r["n"]) for r in rows]
    total = compute("needs_count", scope).total  # the needs in all, shared with needs_count
    figure = _two_columns(_("诉求按困难群体统计"), _("困难群体"), counts, _("件"), total=total)
    figure.note = _("一人可属多个群体，合计为诉求件数。")
    return figure
