"""The dashboards in the API (RPT-1): the same figures the page shows, for a unit in the caller's scope."""

from __future__ import annotations

from ninja import Query, Router, Schema

from fuqing.api.types import Id
from fuqing.core import years
from fuqing.core.replica import replica_reads
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.dashboard import board
from fuqing.orgs.models import Org

router = Router(tags=["dashboard"])


class YearIn(Schema):
    year: int | None = None


@router.get("/dashboard/{org_id}/", url_name="api-dashboard")
@scoped(Org, "read", kwarg="org_id")
def get_dashboard(request, org_id: Id, filters: Query[YearIn]):
    """A unit's dashboard: each figure this year and the same span of last year, for the unit and each of
    its children; 404 outside the caller's scope."""
    unit = get_visible_or_404(Org, request.auth, pk=org_id)
    campaign = None if filters.year else years.campaign_for(request.auth, None)
    year = filters.year or (campaign.year if campaign else board.as_of_year())
    with replica_reads():  # a dashboard: may be read from the replica, as the page is
        return board.build(unit, year, request.auth).to_data()
