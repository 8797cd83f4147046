"""组织建设概况: coverage of Homes, groups, teams and training over a unit's children, drilled down the
tree (BLD-1 … BLD-5), as a table and a chart."""

from __future__ import annotations

import json

from django.shortcuts import render
from django.utils.translation import gettext as _

from fuqing.building import coverage
from fuqing.building.views.common import (
    as_of,
    can_edit,
    can_export,
    children_of,
    lineage,
    page_year,
    require_view,
    selected_unit,
)
from fuqing.core.replica import replica_view
from fuqing.core.routes import scoped
from fuqing.orgs.models import Org


@scoped(Org, "page")
@replica_view  # coverage figures: may be read from the replica
def overview(request):
    require_view(request.user)
    unit = selected_unit(request)
    year = page_year(request)
    on = as_of(year)
    rows, total, chart = [], None, None
    if unit is not None:
        children = children_of(unit, request.user)
        rows = coverage.by_children(unit, children, year, on)
        total = coverage.total(unit, year, on)
        chart = {
            "units": [child.name for child, _t in rows],
            "homes": [round((t.home_coverage or 0) * 100, 1) for _c, t in rows],
            "groups": [round((t.group_coverage or 0) * 100, 1) for _c, t in rows],
            "training": [round((t.training_coverage or 0) * 100, 1) for _c, t in rows],
            "labels": [str(_("妇女之家覆盖率")), str(_("妇女小组覆盖率")), str(_("培训覆盖率"))],
        }
    return render(
        request,
        "building/overview.html",
        {
            "unit": unit,
            "year": year,
            "on": on,
            "rows": rows,
            "total": total,
            "chart": json.dumps(chart, ensure_ascii=False) if rows else "",
            "trail": lineage(unit, request.user) if unit else [],
            "can_edit": can_edit(request.user),
            "can_export": can_export(request.user),
            "active": "overview",
        },
    )
