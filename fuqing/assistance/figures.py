"""The needs register's figures (NEED-1, NEED-4) in the platform's one registry (``fuqing.core.figures``):
needs found in the period, resolved, by status, by category of the dictionary (and crossed with the
outcome), by the vulnerable groups of the women who raised them. Each is one grouped query over the unit's
subtree; the counts also answer many units at once (``for_units``)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.assistance.models import Need, NeedStatus
from fuqing.core.figures import (
    SUMMARY_KINDS,
    Figure,
    FigureScope,
    by_code,
    compute,
    figure,
    labelled,
    subtree_groups,
    tally,
)

UNSET = gettext_lazy("未标注")
UNSORTED = 10**6  # needs without a category come after the dictionary's entries


def needs(scope: FigureScope):
    """The needs reported in the period in the scope."""
    return scope.rows(Need).filter(**scope.period("reported_on"))


def _needs_by_units(scope: FigureScope, units, *fields, **aggregates) -> dict:
    return subtree_groups(
        scope.visible(Need).filter(**scope.period("reported_on")), units, *fields, **aggregates
    )


def _category_rows(qs, *extra: str) -> list[dict]:
    """Needs grouped by their category of the dictionary (NEED-1), in the dictionary's order; needs
    without one under 未标注. One GROUP BY."""
    rows = qs.values("category__name", "category__sort", *extra).annotate(n=Count("pk"))
    return [{**r, "label": r["category__name"] or str(UNSET)} for r in rows]


# --- for activity summaries (SUP-3) --------------------------------------------------------------


def _found(rows) -> Figure:
    return tally("needs_found", "发现诉求", labelled(by_code(rows), NeedStatus.choices), "件", "办理情况")


@figure("needs_found", gettext_lazy("发现诉求"), order=40, summaries=SUMMARY_KINDS)
def needs_found(scope: FigureScope) -> Figure:
    """Needs reported in the period, by how far they have got (NEED-1, NEED-4)."""
    return _found(needs(scope).values_list("status").annotate(n=Count("pk")).order_by("status"))


def _grid(scope: FigureScope, units) -> dict:
    """The needs of each unit counted by status and category in one grouped query per depth, read once
    per scope for the figures that sum it one way or the other (a dashboard shows both)."""
    key = ("assistance.needs_grid", tuple(unit.pk for unit in units))
    if key not in scope.cache:
        scope.cache[key] = _needs_by_units(
            scope, units, "status", "category__name", "category__sort", n=Count("pk")
        )
    return scope.cache[key]


def _summed(rows, *fields: str) -> list[dict]:
    totals: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[f] for f in fields)
        found = totals.setdefault(key, {**{f: row[f] for f in fields}, "n": 0})
        found["n"] += row["n"]
    return list(totals.values())


@needs_found.for_units
def needs_found_for_units(scope: FigureScope, units) -> dict:
    found = _grid(scope, units)
    return {
        pk: _found([(r["status"], r["n"]) for r in _summed(rows, "status")]) for pk, rows in found.items()
    }


def _resolved(n: int) -> Figure:
    return Figure(
        "needs_resolved", "解决诉求", n, "件", note="本期发现的诉求中已解决的", table_title=_("已解决诉求")
    )


@figure(
    "needs_resolved",
    gettext_lazy("已解决诉求件数"),
    order=50,
    description=gettext_lazy("当年登记并已解决的诉求件数"),
    summaries=SUMMARY_KINDS,
)
def needs_resolved(scope: FigureScope) -> Figure:
    """Needs reported in the period that are resolved (a summary's line, a report's number)."""
    return _resolved(needs(scope).filter(status=NeedStatus.RESOLVED).count())


@needs_resolved.for_units
def needs_resolved_for_units(scope: FigureScope, units) -> dict:
    found = _needs_by_units(scope, units, n=Count("pk", filter=Q(status=NeedStatus.RESOLVED)))
    return {pk: _resolved(rows[0]["n"] if rows else 0) for pk, rows in found.items()}


# --- for research reports (RES-2): ``{{figure:key}}`` ----------------------------------------------


def _count(n: int) -> Figure:
    return Figure("needs_count", _("诉求件数"), n, _("件"))


@figure(
    "needs_count", gettext_lazy("诉求件数"), order=140, description=gettext_lazy("当年登记的妇女诉求件数")
)
def needs_count(scope: FigureScope) -> Figure:
    return _count(needs(scope).count())


@needs_count.for_units
def needs_count_for_units(scope: FigureScope, units) -> dict:
    found = _needs_by_units(scope, units, n=Count("pk"))
    return {pk: _count(rows[0]["n"] if rows else 0) for pk, rows in found.items()}


@figure(
    "needs_by_status",
    gettext_lazy("诉求办理结果"),
    order=141,
    description=gettext_lazy("当年诉求按办理结果（已解决、解释疏导等）分类"),
)
def needs_by_status(scope: FigureScope) -> Figure:
    rows = needs(scope).values_list("status").annotate(n=Count("pk")).order_by("-n", "status")
    return _needs_by_status(rows)


@needs_by_status.for_units
def needs_by_status_for_units(scope: FigureScope, units) -> dict:
    """Many units in one grouped query per depth (a research book of many live reports, issue 16)."""
    found = _needs_by_units(scope, units, "status", n=Count("pk"))
    return {
        pk: _needs_by_status(sorted(((r["status"], r["n"]) for r in rows), key=lambda r: (-r[1], r[0])))
        for pk, rows in found.items()
    }


def _needs_by_status(rows) -> Figure:
    counts = labelled(rows, NeedStatus.choices)
    return tally(
        "needs_by_status",
        _("诉求办理结果"),
        counts,
        _("件"),
        _("办理结果"),
        table_title=_("诉求办理结果统计"),
    )


@figure(
    "needs_by_category",
    gettext_lazy("诉求类别"),
    order=142,
    description=gettext_lazy("当年诉求按类别（就业、收入、住房等）分类"),
)
def needs_by_category(scope: FigureScope) -> Figure:
    return _by_category(_category_rows(needs(scope)))


@needs_by_category.for_units
def needs_by_category_for_units(scope: FigureScope, units) -> dict:
    found = _grid(scope, units)
    unset = str(UNSET)
    return {
        pk: _by_category(
            [
                {**r, "label": r["category__name"] or unset}
                for r in _summed(rows, "category__name", "category__sort")
            ]
        )
        for pk, rows in found.items()
    }


def _by_category(rows) -> Figure:
    rows = sorted(rows, key=lambda r: (-r["n"], r["category__sort"] or UNSORTED, str(r["label"])))
    counts = [[str(r["label"]), r["n"]] for r in rows]
    return tally(
        "needs_by_category", _("诉求类别"), counts, _("件"), _("类别"), table_title=_("诉求类别统计")
    )


@figure(
    "needs_by_category_and_outcome",
    gettext_lazy("诉求类别与办理结果"),
    order=143,
    description=gettext_lazy("当年诉求按类别和办理结果交叉统计"),
)
def needs_by_category_and_outcome(scope: FigureScope) -> Figure:
    labels = {str(k): str(v) for k, v in NeedStatus.choices}
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
        "needs_by_category_and_outcome",
        _("诉求类别与办理结果"),
        sum(row[-1] for row in body),
        _("件"),
        breakdown=body,
        breakdown_title=_("类别"),
        columns=[*(labels[s] for s in statuses), _("合计")],
        table_title=_("诉求类别与办理结果统计"),
    )


@figure(
    "needs_by_group",
    gettext_lazy("诉求（按困难群体）"),
    order=144,
    description=gettext_lazy("当年诉求按反映人所属困难群体分类"),
)
def needs_by_group(scope: FigureScope) -> Figure:
    rows = (
        needs(scope)
        .values("woman__groups__name", "woman__groups__sort")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "woman__groups__sort")
    )
    counts = [[r["woman__groups__name"] or str(UNSET), r["n"]] for r in rows]
    return tally(
        "needs_by_group",
        _("诉求（按困难群体）"),
        counts,
        _("件"),
        _("困难群体"),
        total=compute("needs_count", scope).value,  # the needs in all, shared with needs_count
        note=_("一人可属多个群体，合计为诉求件数。"),
        table_title=_("诉求按困难群体统计"),
    )
