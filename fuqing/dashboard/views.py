"""The dashboards (RPT-1): the user's own unit at /dashboard/, any unit in her scope at /dashboard/<pk>/
(404 outside it), and the city chair's home page."""

from __future__ import annotations

import json

from django.shortcuts import render

from fuqing.core.context_processors import requested_year, selected_year
from fuqing.core.replica import replica_view
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.dashboard import board
from fuqing.orgs.models import Org, OrgKind, Position

HOME_KINDS = (OrgKind.CITY, OrgKind.PROVINCE)  # whose chair's home page is the dashboard


def _page(request, unit: Org, home: bool = False):
    year = requested_year(request) or selected_year(request)
    found = board.build(unit, year, request.user)
    data = found.to_data()
    lineage = list(
        Org.objects.visible_to(request.user).filter(path__in=unit.ancestor_paths()).order_by("depth")
    )
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "board": found,
            "data": data,
            "data_json": json.dumps(data, ensure_ascii=False),
            "unit": unit,
            "year": year,
            "lineage": lineage,
            "home": home,
        },
    )


@scoped(Org, "page")
@replica_view  # a dashboard: may be read from the replica
def own_dashboard(request):
    """The dashboard of the user's own unit."""
    unit = get_visible_or_404(Org, request.user, pk=request.user.org_id)
    return _page(request, unit)


@scoped(Org, "read")
@replica_view
def dashboard(request, pk):
    """The dashboard of a unit in the user's scope; 404 outside it (existence does not leak)."""
    unit = get_visible_or_404(Org, request.user, pk=pk)
    return _page(request, unit)


def has_unit(user) -> bool:
    """Everyone with a unit has its dashboard, volunteers aside (they see only their own pairs)."""
    return user.org_id is not None and not user.is_volunteer


def is_chair_at_top(user) -> bool:
    org = getattr(user, "org", None)
    return bool(user.is_authenticated and org is not None and user.position == Position.CHAIR) and (
        org.kind in HOME_KINDS
    )


def chair_home(request):
    """The home page of the chair of a city (or province) federation is her dashboard (RPT-1)."""
    if not is_chair_at_top(request.user):
        return None
    return _page(request, request.user.org, home=True)
