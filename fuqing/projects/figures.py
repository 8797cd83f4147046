"""Livelihood projects' figures (PRJ-3) in the platform's one registry (``fuqing.core.figures``): how many
indicators with a target at the unit are reached, through the projects roll-up (``metrics.figures``),
which answers many units in the same bounded number of queries."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.core.figures import SUMMARY_KINDS, Figure, FigureScope, figure
from fuqing.projects import metrics
from fuqing.projects.models import Indicator


def _ancestor_paths(org) -> list[str]:
    return [org.path[:i] for i in range(org.steplen, len(org.path) + 1, org.steplen)]


def _indicators(scope: FigureScope, units) -> list:
    paths = sorted({path for unit in units for path in _ancestor_paths(unit)})
    return list(
        Indicator.objects.filter(project__year=scope.year, project__org__path__in=paths)
        .select_related("project", "project__campaign")
        .order_by("project__id", "id")
    )


def _figure(found) -> Figure:
    with_target = [f for f in found if f.target]
    if not with_target:
        return Figure.missing("targets", "实事项目目标完成", "本单位本年度没有分解到的实事项目目标")
    reached = sum(1 for f in with_target if f.value >= f.target)
    breakdown = [
        [f"{f.indicator.project.name}·{f.indicator.name}", round(f.rate * 100, 1)] for f in with_target
    ]
    return Figure(
        "targets",
        "实事项目目标完成",
        reached,
        "项",
        note=f"共 {len(with_target)} 项指标分解到本单位，已完成 {reached} 项",
        breakdown=breakdown,
        breakdown_title="指标",
        breakdown_unit="完成率，%",
    )


@figure("targets", gettext_lazy("实事项目目标完成"), order=60, summaries=SUMMARY_KINDS)
def targets(scope: FigureScope) -> Figure:
    """Livelihood project indicators with a target at this unit: how many are reached, and each one's
    completion rate at the end of the period (PRJ-3, through the projects roll-up)."""
    indicators = _indicators(scope, [scope.org])
    found = metrics.figures(indicators, [scope.org], scope.end) if indicators else {}
    return _figure(found.values())


@targets.for_units
def targets_for_units(scope: FigureScope, units) -> dict:
    indicators = _indicators(scope, units)
    found = metrics.figures(indicators, units, scope.end) if indicators else {}
    return {unit.pk: _figure([found[(i.pk, unit.pk)] for i in indicators]) for unit in units}


# --- the targets by where they stand (RPT-1's dashboards) -----------------------------------------

STATUS_ORDER = (
    metrics.Status.COMPLETED,
    metrics.Status.ON_TRACK,
    metrics.Status.BEHIND,
    metrics.Status.AT_RISK,
    metrics.Status.MISSED,
)


def _by_status(scope: FigureScope, found) -> Figure:
    with_target = [f for f in found if f.target]
    if not with_target:
        return Figure.missing(
            "projects.targets_by_status", _("实事项目目标进度"), _("本单位本年度没有分解到的实事项目目标")
        )
    counts = {status: 0 for status in STATUS_ORDER}
    for f in with_target:
        counts[f.status] = counts.get(f.status, 0) + 1
    return Figure(
        "projects.targets_by_status",
        _("实事项目目标进度"),
        len(with_target),
        _("项"),
        note=_("截至 %(on)s，分解到本单位的指标按进度分类") % {"on": scope.end.isoformat()},
        breakdown=[[str(metrics.STATUS_LABELS[s]), counts[s]] for s in STATUS_ORDER],
        breakdown_title=_("进度"),
    )


@figure(
    "projects.targets_by_status",
    gettext_lazy("实事项目目标进度"),
    order=61,
    description=gettext_lazy("分解到本单位的实事项目指标：已完成、进度正常、进度滞后、严重滞后、期满未完成"),
)
def targets_by_status(scope: FigureScope) -> Figure:
    """The indicators split to the unit by status on the period's last day (PRJ-3): completed, on track,
    behind, at risk, and — once the campaign period is over — missed."""
    return targets_by_status_for_units(scope, [scope.org])[scope.org.pk]


@targets_by_status.for_units
def targets_by_status_for_units(scope: FigureScope, units) -> dict:
    indicators = _indicators(scope, units)
    found = metrics.figures(indicators, units, scope.end) if indicators else {}
    return {unit.pk: _by_status(scope, [found[(i.pk, unit.pk)] for i in indicators]) for unit in units}
