"""Home-page panel: the unit's organisation building at a glance — coverage of Homes and groups, trained
units, and the units below whose team is incomplete or whose election is overdue (BLD-3: flagged for the
parent unit). Shown to those with ``building.view`` at a federation that has units below it."""

from __future__ import annotations

from fuqing.core.home import Panel, register_panel


def _building(request):
    from fuqing.building import coverage
    from fuqing.building.views.common import as_of, default_unit, page_year
    from fuqing.building.views.elections import decorate, units_with_teams
    from fuqing.orgs.models import OrgKind

    user = request.user
    unit = default_unit(user)
    if unit is None or unit.kind in (OrgKind.DEPARTMENT, OrgKind.WOMENS_GROUP):
        return None
    year = page_year(request)
    on = as_of(year)
    total = coverage.total(unit, year, on)
    flagged = list(units_with_teams(user, unit, on, "flagged").exclude(pk=unit.pk)[:6])
    for org in flagged:
        decorate(org, on)
    return {"unit": unit, "year": year, "on": on, "total": total, "flagged": flagged}


register_panel(
    Panel(
        "building-coverage",
        "building/panels/coverage.html",
        _building,
        order=45,
        perm=("building", "view"),
        shared_seconds=120,  # the subtree's coverage: the same for everyone of the unit, seconds to tally
    )
)
