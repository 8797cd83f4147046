"""Campaigns' figures (CAM-2, CAM-3) in the platform's one registry (``fuqing.core.figures``): units that
submitted their implementation plan, deadlines kept. Both count within a campaign: the scope's, or (for a
research report's calendar year) the campaign of that year run by the unit or the nearest federation
above it; with none they say plainly that there is nothing to count."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fuqing.campaigns.models import Campaign, Obligation, Plan
from fuqing.core.figures import ANNUAL, SUMMARY_KINDS, Figure, FigureScope, figure, subtree_groups

NO_CAMPAIGN = "没有对应的活动年度"


def _campaign(scope: FigureScope):
    """The scope's campaign, or the one of its year run at the unit or above it (found once per scope)."""
    if scope.campaign is not None:
        return scope.campaign
    if "campaigns.campaign" not in scope.cache:
        org = scope.org
        above = [org.path[:i] for i in range(org.steplen, len(org.path) + 1, org.steplen)]
        scope.cache["campaigns.campaign"] = (
            Campaign.objects.filter(year=scope.year, org__path__in=above).order_by("-org__depth").first()
        )
    return scope.cache["campaigns.campaign"]


def _plans(value: int) -> Figure:
    return Figure("plans", "制定实施方案的单位", value, "个")


@figure("plans", gettext_lazy("制定实施方案的单位"), order=80, summaries=SUMMARY_KINDS)
def plans(scope: FigureScope) -> Figure:
    """Units of the subtree that submitted their implementation plan for this campaign (CAM-3)."""
    campaign = _campaign(scope)
    if campaign is None:
        return Figure.missing("plans", "制定实施方案的单位", NO_CAMPAIGN)
    return _plans(scope.rows(Plan).filter(campaign=campaign).submitted().count())


@plans.for_units
def plans_for_units(scope: FigureScope, units) -> dict:
    if scope.campaign is None:
        return {unit.pk: plans(scope.for_unit(unit)) for unit in units}
    qs = scope.visible(Plan).filter(campaign=scope.campaign).submitted()
    found = subtree_groups(qs, units, n=Count("pk"))
    return {pk: _plans(rows[0]["n"] if rows else 0) for pk, rows in found.items()}


@figure("submissions", gettext_lazy("按时报送"), order=90, summaries=(ANNUAL,))
def submissions(scope: FigureScope) -> Figure:
    """How the subtree's units have kept this campaign's deadlines so far (CAM-2)."""
    campaign = _campaign(scope)
    if campaign is None:
        return Figure.missing("submissions", "按时报送", NO_CAMPAIGN)
    today = timezone.localdate()
    counts = (
        scope.rows(Obligation)
        .filter(deadline__campaign=campaign, is_owed=True, deadline__due_on__lte=today)
        .status_counts(today)
    )
    due = counts["on_time"] + counts["late"] + counts["missing"]
    return Figure(
        "submissions",
        "按时报送",
        counts["on_time"] if due else None,
        "项",
        note=f"已到期的 {due} 项报送中" if due else "本年度还没有到期的报送事项",
        breakdown=[
            ["按时报送", counts["on_time"]],
            ["逾期报送", counts["late"]],
            ["未报送", counts["missing"]],
        ]
        if due
        else [],
        breakdown_title="报送情况",
    )
