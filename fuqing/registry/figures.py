"""The women's register's figures (REG-1, REG-2) in the platform's one registry (``fuqing.core.figures``)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy

from fuqing.core.figures import SUMMARY_KINDS, Figure, FigureScope, figure, subtree_groups
from fuqing.registry.models import Woman, WomanStatus


def registered(scope: FigureScope):
    """Women registered in the period (still on the register) in the scope."""
    return scope.rows(Woman).filter(**scope.period("registered_on"), status=WomanStatus.ACTIVE)


def _figure(value: int, groups) -> Figure:
    return Figure(
        "women_registered", "新建妇女档案", value, "人", breakdown=groups, breakdown_title="困难群体"
    )


@figure("women_registered", gettext_lazy("新建妇女档案"), order=30, summaries=SUMMARY_KINDS)
def women_registered(scope: FigureScope) -> Figure:
    """Women registered in the period, with the vulnerable groups they belong to (REG-1, REG-2)."""
    qs = registered(scope)
    value = qs.count()
    groups = []
    if value:
        groups = [
            [name, n]
            for name, n in qs.filter(groups__isnull=False)
            .values_list("groups__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "groups__name")
        ]
    return _figure(value, groups)


@women_registered.for_units
def women_registered_for_units(scope: FigureScope, units) -> dict:
    """Two grouped queries: the women per unit, their groups per unit."""
    qs = scope.visible(Woman).filter(**scope.period("registered_on"), status=WomanStatus.ACTIVE)
    totals = subtree_groups(qs, units, n=Count("pk"))
    groups = subtree_groups(qs.filter(groups__isnull=False), units, "groups__name", n=Count("pk"))
    answer = {}
    for pk, rows in totals.items():
        by_group = sorted(groups[pk], key=lambda r: (-r["n"], r["groups__name"]))
        answer[pk] = _figure(rows[0]["n"] if rows else 0, [[r["groups__name"], r["n"]] for r in by_group])
    return answer
