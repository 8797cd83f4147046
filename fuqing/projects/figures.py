"""Livelihood projects' figures (PRJ-3) in the platform's one registry (``fuqing.core.figures``): how many
indicators with a target at the unit are reached, through the projects roll-up (``metrics.figures``),
which answers many units in the same bounded number of queries."""

from __future__ import annotations

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
