"""The figures the assessment reads (SUP-1), each an aggregate over every assessed unit's subtree in the
year, grouped by the unit's path prefix — one query per depth of units, whatever their number.

Values are rates (0–1) or counts; the scheme's rule turns them into points. Each value carries the
counts it came from, shown beside the score and frozen with it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org
from fuqing.oversight.sources import Value, source

STEP = Org.steplen


def _shared_ancestor(paths: list[str]) -> str:
    low, high = min(paths), max(paths)
    size = 0
    while size < min(len(low), len(high)) and low[size] == high[size]:
        size += 1
    return low[: size - size % STEP]


def grouped(queryset, path_field: str, units: list, **aggregates) -> dict[int, dict]:
    """``aggregates`` over each unit's subtree: one GROUP BY on the path prefix per depth of units."""
    by_depth: dict[int, list] = defaultdict(list)
    for unit in units:
        by_depth[unit.depth].append(unit)
    result: dict[int, dict] = {}
    for depth, level in by_depth.items():
        wanted = {u.path: u.pk for u in level}
        paths = list(wanted)
        if len(paths) > 8 and _shared_ancestor(paths):
            where = subtree_q(_shared_ancestor(paths), path_field)
        else:
            where = Q()
            for path in paths:
                where |= subtree_q(path, path_field)
        rows = (
            queryset.filter(where)
            .annotate(_unit=Substr(path_field, 1, STEP * depth))
            .values("_unit")
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            if row["_unit"] in wanted:
                result[wanted[row["_unit"]]] = row
    return result


def _rate(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(Decimal("0.0001"))


@source("oversight.leader_days_rate", _("局处级干部下基层满60天的比例"))
def leader_days_rate(units, start: datetime.date, end: datetime.date) -> dict[int, Value]:
    """FLD-4: bureau- and division-level cadres of the unit's subtree with at least 60 grassroots days."""
    from fuqing.fieldwork.models import GRASSROOTS_DAYS_TARGET, VisitDay
    from fuqing.fieldwork.stats import COMPLIANCE_RANKS
    from fuqing.orgs.models import User

    days = (
        VisitDay.objects.filter(user=OuterRef("pk"), day__gte=start, day__lte=end)
        .order_by()
        .values("user")
        .annotate(n=Count("day", distinct=True))
        .values("n")
    )
    cadres = User.objects.filter(is_active=True, rank__in=COMPLIANCE_RANKS).annotate(
        days=Coalesce(Subquery(days, output_field=IntegerField()), 0)
    )
    rows = grouped(cadres, "org__path", units, cadres=Count("id"), met=Count("id", filter=Q(days__gte=60)))
    out = {}
    for unit in units:
        row = rows.get(unit.pk, {})
        total, met = row.get("cadres", 0), row.get("met", 0)
        out[unit.pk] = Value(
            _rate(met, total),
            [(_("局处级干部"), total), (_("满%(n)d天") % {"n": GRASSROOTS_DAYS_TARGET}, met)],
            "" if total else str(_("本单位没有局处级干部")),
        )
    return out


def _needs(units, start, end):
    from fuqing.assistance.models import Need, NeedStatus

    needs = Need.objects.filter(reported_on__gte=start, reported_on__lte=end)
    timely = Q(closed_on__isnull=False) & (Q(review_on__isnull=True) | Q(closed_on__lte=F("review_on")))
    return grouped(
        needs,
        "org__path",
        units,
        total=Count("id"),
        resolved=Count("id", filter=Q(status=NeedStatus.RESOLVED)),
        closed=Count("id", filter=Q(closed_on__isnull=False)),
        timely=Count("id", filter=timely),
    )


@source("oversight.needs_resolved_rate", _("诉求解决率"))
def needs_resolved_rate(units, start, end) -> dict[int, Value]:
    rows = _needs(units, start, end)
    out = {}
    for unit in units:
        row = rows.get(unit.pk, {})
        total, resolved = row.get("total", 0), row.get("resolved", 0)
        out[unit.pk] = Value(
            _rate(resolved, total),
            [(_("登记诉求"), total), (_("已解决"), resolved)],
            "" if total else str(_("当年没有登记诉求")),
        )
    return out


@source("oversight.needs_timely_rate", _("诉求按期办结率"))
def needs_timely_rate(units, start, end) -> dict[int, Value]:
    rows = _needs(units, start, end)
    out = {}
    for unit in units:
        row = rows.get(unit.pk, {})
        total, timely = row.get("total", 0), row.get("timely", 0)
        out[unit.pk] = Value(
            _rate(timely, total),
            [(_("登记诉求"), total), (_("办结"), row.get("closed", 0)), (_("按复查日期前办结"), timely)],
            "" if total else str(_("当年没有登记诉求")),
        )
    return out


@source("oversight.targets_met_rate", _("实事项目分解目标完成率"))
def targets_met_rate(units, start, end) -> dict[int, Value]:
    """PRJ-2/PRJ-3: of the targets split to the unit (issued, not drafts), the share met at year end."""
    from fuqing.projects import metrics
    from fuqing.projects.models import Indicator, Target

    year = start.year
    unit_ids = [u.pk for u in units]
    pairs = set(
        Target.objects.filter(org_id__in=unit_ids, draft=False, indicator__project__year=year).values_list(
            "indicator_id", "org_id"
        )
    )
    indicators = list(
        Indicator.objects.filter(pk__in={i for i, _o in pairs}).select_related("project__campaign", "project")
    )
    figures = metrics.figures(indicators, units, end) if indicators else {}
    out = {}
    for unit in units:
        mine = [figures[(i, unit.pk)] for i, o in sorted(pairs) if o == unit.pk and (i, unit.pk) in figures]
        met = sum(1 for f in mine if f.status == metrics.Status.COMPLETED)
        out[unit.pk] = Value(
            _rate(met, len(mine)),
            [(_("分解目标"), len(mine)), (_("已完成"), met)],
            "" if mine else str(_("没有分解到本单位的目标")),
        )
    return out


@source("oversight.submissions_on_time_rate", _("总结报告按时报送率"))
def submissions_on_time_rate(units, start, end) -> dict[int, Value]:
    """CAM-2: the unit's own obligations of the year (summaries, reports) submitted by their deadline."""
    from fuqing.campaigns.models import Obligation

    rows = {
        row["org_id"]: row
        for row in Obligation.objects.filter(
            org_id__in=[u.pk for u in units],
            is_owed=True,
            deadline__due_on__gte=start,
            deadline__due_on__lte=end,
        )
        .values("org_id")
        .annotate(
            owed=Count("id"),
            on_time=Count("id", filter=Q(first_submitted_on__lte=F("deadline__due_on"))),
        )
        .order_by()
    }
    out = {}
    for unit in units:
        row = rows.get(unit.pk, {})
        owed, on_time = row.get("owed", 0), row.get("on_time", 0)
        out[unit.pk] = Value(
            _rate(on_time, owed),
            [(_("应报送"), owed), (_("按时报送"), on_time)],
            "" if owed else str(_("当年没有应报送的材料")),
        )
    return out


@source("oversight.topics_set", _("确定的重点调研课题数"))
def topics_set(units, start, end) -> dict[int, Value]:
    """RES-1: the unit's own key research topics of the year (a district federation sets exactly one)."""
    from fuqing.research.models import Topic

    counts = dict(
        Topic.objects.filter(org_id__in=[u.pk for u in units], year=start.year)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
        .order_by()
    )
    return {
        u.pk: Value(Decimal(counts.get(u.pk, 0)), [(_("重点调研课题"), counts.get(u.pk, 0))]) for u in units
    }


@source("oversight.publicity_count", _("宣传报道篇数"))
def publicity_count(units, start, end) -> dict[int, Value]:
    """SUP-2: publicity items of the unit's subtree in the year."""
    from fuqing.oversight.models import PublicityItem

    rows = grouped(
        PublicityItem.objects.filter(published_on__gte=start, published_on__lte=end),
        "org__path",
        units,
        n=Count("id"),
    )
    return {
        u.pk: Value(
            Decimal(rows.get(u.pk, {}).get("n", 0)), [(_("宣传报道"), rows.get(u.pk, {}).get("n", 0))]
        )
        for u in units
    }
