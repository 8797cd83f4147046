"""The assessment's own figures (SUP-1), registered in the one registry (``fuqing.core.figures``): rates
that say how far a unit met a rule of the notice — cadres at 60 grassroots days, needs resolved and in
time, split targets met, summaries on time — plus its key topics and its publicity. Each answers many
units in one grouped query per depth (``for_units``), so a province's ranking is a bounded number of
queries; each keeps the counts it came from in its breakdown, shown beside the score and frozen with it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from fuqing.core.figures import Figure, FigureScope, figure
from fuqing.core.scoping import subtree_q

STEP = 4  # treebeard's step length of Org paths


def _shared_ancestor(paths: list[str]) -> str:
    low, high = min(paths), max(paths)
    size = 0
    while size < min(len(low), len(high)) and low[size] == high[size]:
        size += 1
    return low[: size - size % STEP]


def subtree_groups(qs, units, path_field: str, **aggregates) -> dict[int, list]:
    """``{unit.pk: [row]}``: ``aggregates`` over each unit's subtree, one GROUP BY on the path prefix per
    depth. Unlike core's helper, many units of one depth are filtered by their shared ancestor's range
    (one range, not one per unit): a province's 1,300 streets would otherwise be 1,300 ORed ranges,
    slower to build in Python than to run in the database."""
    found: dict[int, list] = {unit.pk: [] for unit in units}
    by_depth: dict[int, dict] = {}
    for unit in units:
        by_depth.setdefault(len(unit.path), {})[unit.path] = unit
    for length, paths in by_depth.items():
        shared = _shared_ancestor(list(paths)) if len(paths) > 8 else ""
        if shared:
            within = subtree_q(shared, path_field)
        else:
            within = Q()
            for path in paths:
                within |= subtree_q(path, path_field)
        rows = (
            qs.filter(within)
            .annotate(_unit=Substr(path_field, 1, length))
            .values("_unit")
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            unit = paths.get(row.pop("_unit"))
            if unit is not None:
                found[unit.pk].append(row)
    return found


def _rate(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(Decimal("0.0001"))


def _one(row_list) -> dict:
    return row_list[0] if row_list else {}


def _single(units_func):
    """The one-unit figure from the many-units one (the same query, one unit)."""

    def compute(scope: FigureScope) -> Figure:
        return units_func(scope, [scope.org])[scope.org.pk]

    return compute


# --- grassroots days (FLD-4) ---------------------------------------------------------------------


def _leader_days(scope: FigureScope, units) -> dict[int, Figure]:
    from fuqing.fieldwork.models import GRASSROOTS_DAYS_TARGET, VisitDay
    from fuqing.fieldwork.stats import COMPLIANCE_RANKS
    from fuqing.orgs.models import User

    days = (
        VisitDay.objects.filter(user=OuterRef("pk"), day__gte=scope.start, day__lte=scope.end)
        .order_by()
        .values("user")
        .annotate(n=Count("day", distinct=True))
        .values("n")
    )
    cadres = User.objects.filter(is_active=True, rank__in=COMPLIANCE_RANKS).annotate(
        days=Coalesce(Subquery(days, output_field=IntegerField()), 0)
    )
    rows = subtree_groups(
        cadres,
        units,
        path_field="org__path",
        cadres=Count("id"),
        met=Count("id", filter=Q(days__gte=GRASSROOTS_DAYS_TARGET)),
    )
    label, none = str(_("局处级干部下基层满60天的比例")), str(_("本单位没有局处级干部"))
    cadres_text, met_text = str(_("局处级干部")), str(_("满60天"))
    out = {}
    for unit in units:
        row = _one(rows[unit.pk])
        total, met = row.get("cadres", 0), row.get("met", 0)
        out[unit.pk] = Figure(
            "oversight.leader_days_rate",
            label,
            _rate(met, total),
            note="" if total else none,
            breakdown=[[cadres_text, total], [met_text, met]],
        )
    return out


leader_days_rate = figure("oversight.leader_days_rate", _("局处级干部下基层满60天的比例"), order=300)(
    _single(_leader_days)
)
leader_days_rate.for_units(_leader_days)


# --- needs (NEED) ----------------------------------------------------------------------------------


def _needs(scope: FigureScope, units) -> dict[int, dict]:
    """The needs counts of each unit, read once per scope for both needs figures (a ranking shows both
    for the same units)."""
    key = ("oversight.needs", tuple(u.pk for u in units))
    if key not in scope.cache:
        scope.cache[key] = _needs_counts(scope, units)
    return scope.cache[key]


def _needs_counts(scope: FigureScope, units) -> dict[int, dict]:
    from fuqing.assistance.models import Need, NeedStatus

    timely = Q(closed_on__isnull=False) & (Q(review_on__isnull=True) | Q(closed_on__lte=F("review_on")))
    rows = subtree_groups(
        Need.objects.filter(reported_on__gte=scope.start, reported_on__lte=scope.end),
        units,
        path_field="org__path",
        total=Count("id"),
        resolved=Count("id", filter=Q(status=NeedStatus.RESOLVED)),
        closed=Count("id", filter=Q(closed_on__isnull=False)),
        timely=Count("id", filter=timely),
    )
    return {unit.pk: _one(rows[unit.pk]) for unit in units}


def _needs_resolved(scope: FigureScope, units) -> dict[int, Figure]:
    label, none = str(_("诉求解决率")), str(_("当年没有登记诉求"))
    found_text, resolved_text = str(_("登记诉求")), str(_("已解决"))
    out = {}
    for pk, row in _needs(scope, units).items():
        total, resolved = row.get("total", 0), row.get("resolved", 0)
        out[pk] = Figure(
            "oversight.needs_resolved_rate",
            label,
            _rate(resolved, total),
            note="" if total else none,
            breakdown=[[found_text, total], [resolved_text, resolved]],
        )
    return out


needs_resolved_rate = figure("oversight.needs_resolved_rate", _("诉求解决率"), order=310)(
    _single(_needs_resolved)
)
needs_resolved_rate.for_units(_needs_resolved)


def _needs_timely(scope: FigureScope, units) -> dict[int, Figure]:
    label, none = str(_("诉求按期办结率")), str(_("当年没有登记诉求"))
    texts = [str(_("登记诉求")), str(_("办结")), str(_("按复查日期前办结"))]
    out = {}
    for pk, row in _needs(scope, units).items():
        total, timely = row.get("total", 0), row.get("timely", 0)
        out[pk] = Figure(
            "oversight.needs_timely_rate",
            label,
            _rate(timely, total),
            note="" if total else none,
            breakdown=[[texts[0], total], [texts[1], row.get("closed", 0)], [texts[2], timely]],
        )
    return out


needs_timely_rate = figure("oversight.needs_timely_rate", _("诉求按期办结率"), order=320)(
    _single(_needs_timely)
)
needs_timely_rate.for_units(_needs_timely)


# --- split targets met (PRJ-2, PRJ-3) ----------------------------------------------------------------


def _targets_met(scope: FigureScope, units) -> dict[int, Figure]:
    """Of the targets split to the unit (issued, not drafts), the share met at the period's end: one
    query for the split parts, the projects roll-up (``metrics.figures``, grouped queries) for only the
    units that have parts, then each unit's parts looked up (no scan of every part per unit)."""
    from fuqing.projects import metrics
    from fuqing.projects.models import Indicator, Target

    parts: dict[int, list[int]] = {}
    for indicator_id, org_id in (
        Target.objects.filter(
            org_id__in=[u.pk for u in units], draft=False, indicator__project__year=scope.year
        )
        .values_list("indicator_id", "org_id")
        .order_by("indicator_id")
        .distinct()
    ):
        parts.setdefault(org_id, []).append(indicator_id)
    with_parts = [u for u in units if u.pk in parts]
    indicators = list(
        Indicator.objects.filter(pk__in={i for ids in parts.values() for i in ids}).select_related(
            "project__campaign", "project"
        )
    )
    found = metrics.figures(indicators, with_parts, scope.end) if indicators else {}
    label, note = str(_("实事项目分解目标完成率")), str(_("没有分解到本单位的目标"))
    split, done = str(_("分解目标")), str(_("已完成"))
    out = {}
    for unit in units:
        mine = [found[(i, unit.pk)] for i in parts.get(unit.pk, ()) if (i, unit.pk) in found]
        met = sum(1 for f in mine if f.status == metrics.Status.COMPLETED)
        out[unit.pk] = Figure(
            "oversight.targets_met_rate",
            label,
            _rate(met, len(mine)),
            note="" if mine else note,
            breakdown=[[split, len(mine)], [done, met]],
        )
    return out


targets_met_rate = figure("oversight.targets_met_rate", _("实事项目分解目标完成率"), order=330)(
    _single(_targets_met)
)
targets_met_rate.for_units(_targets_met)


# --- summaries and reports on time (CAM-2) ----------------------------------------------------------


def _on_time(scope: FigureScope, units) -> dict[int, Figure]:
    """The unit's own obligations of the period (summaries, reports) submitted by their deadline."""
    from fuqing.campaigns.models import Obligation

    rows = {
        row["org_id"]: row
        for row in Obligation.objects.filter(
            org_id__in=[u.pk for u in units],
            is_owed=True,
            deadline__due_on__gte=scope.start,
            deadline__due_on__lte=scope.end,
        )
        .values("org_id")
        .annotate(
            owed=Count("id"), on_time=Count("id", filter=Q(first_submitted_on__lte=F("deadline__due_on")))
        )
        .order_by()
    }
    label, none = str(_("总结报告按时报送率")), str(_("当年没有应报送的材料"))
    owed_text, on_time_text = str(_("应报送")), str(_("按时报送"))
    out = {}
    for unit in units:
        row = rows.get(unit.pk, {})
        owed, on_time = row.get("owed", 0), row.get("on_time", 0)
        out[unit.pk] = Figure(
            "oversight.submissions_on_time_rate",
            label,
            _rate(on_time, owed),
            note="" if owed else none,
            breakdown=[[owed_text, owed], [on_time_text, on_time]],
        )
    return out


submissions_on_time_rate = figure("oversight.submissions_on_time_rate", _("总结报告按时报送率"), order=340)(
    _single(_on_time)
)
submissions_on_time_rate.for_units(_on_time)


# --- key topics (RES-1) and publicity (SUP-2) --------------------------------------------------------


def _topics(scope: FigureScope, units) -> dict[int, Figure]:
    """The unit's own key research topics of the year (a district federation sets exactly one)."""
    from fuqing.research.models import Topic

    counts = dict(
        Topic.objects.filter(org_id__in=[u.pk for u in units], year=scope.year)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
        .order_by()
    )
    label, unit_text, topic_text = str(_("确定的重点调研课题数")), str(_("项")), str(_("重点调研课题"))
    return {
        u.pk: Figure(
            "oversight.topics_set",
            label,
            counts.get(u.pk, 0),
            unit=unit_text,
            breakdown=[[topic_text, counts.get(u.pk, 0)]],
        )
        for u in units
    }


topics_set = figure("oversight.topics_set", _("确定的重点调研课题数"), order=350)(_single(_topics))
topics_set.for_units(_topics)


def _publicity(scope: FigureScope, units) -> dict[int, Figure]:
    from fuqing.oversight.models import PublicityItem

    rows = subtree_groups(
        PublicityItem.objects.filter(published_on__gte=scope.start, published_on__lte=scope.end),
        units,
        path_field="org__path",
        n=Count("id"),
    )
    label, unit_text, item_text = str(_("宣传报道篇数")), str(_("篇")), str(_("宣传报道"))
    out = {}
    for unit in units:
        n = _one(rows[unit.pk]).get("n", 0)
        out[unit.pk] = Figure(
            "oversight.publicity_count",
            label,
            n,
            unit=unit_text,
            breakdown=[[item_text, n]],
        )
    return out


publicity_count = figure("oversight.publicity_count", _("宣传报道篇数"), order=360)(_single(_publicity))
publicity_count.for_units(_publicity)
