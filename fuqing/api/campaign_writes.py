"""Campaigns in the API (PLT-3, CAM-1): the year's campaign of a federation — list, read, create,
change, and next year's campaign in one step. Deadlines and who owes them are in ``api/campaigns``.

The same services as the pages (``campaigns.services``): only the organiser's system administrator
writes (``manage_campaigns``), and a district sees the city's campaign (it frames her year) without
being able to change it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Query, Schema, Status

from fuqing.api.campaigns.common import router
from fuqing.api.kit import paginate, ref
from fuqing.api.types import Day, Id, Year
from fuqing.campaigns import services
from fuqing.campaigns.models import Campaign, Deadline
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org

# The campaigns' router (``api/campaigns``): ninja serves one path from one router, and a deadline's
# DELETE shares its path with the deadline's GET and PATCH there.
__all__ = ["router"]


def require_view(user) -> None:
    """The calendar page's rule (campaigns.views): the module's view permission or its administrator."""
    if not (user.has_module_perm("campaigns", "view") or user.has_admin_ability("manage_campaigns")):
        raise PermissionDenied(_("您没有查看活动的权限。"))


class CampaignOut(ModelSchema):
    org_name: str
    deadlines: int

    class Meta:
        model = Campaign
        fields = ["id", "org", "year", "name", "theme", "starts_on", "ends_on", "survey_month", "notes"]

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_deadlines(obj) -> int:
        return obj.deadline_count if hasattr(obj, "deadline_count") else obj.deadlines.count()


class CampaignQuery(Schema):
    q: str | None = Field(None, max_length=50)
    year: Year | None = None


class CampaignIn(Schema):
    year: Year
    org: Id = Field(description="主办单位")
    name: str = Field("下基层、访妇情、办实事", max_length=100)
    theme: str = Field("下基层 访妇情 办实事", max_length=100)
    starts_on: Day | None = None
    ends_on: Day | None = None
    survey_month: int = Field(4, ge=1, le=12)


class CampaignPatch(Schema):
    year: Year | None = None
    name: str | None = Field(None, max_length=100)
    theme: str | None = Field(None, max_length=100)
    starts_on: Day | None = None
    ends_on: Day | None = None
    survey_month: int | None = Field(None, ge=1, le=12)
    notes: str | None = Field(None, max_length=2000)


def _campaigns(user):
    return Campaign.objects.visible_to(user).select_related("org").annotate(deadline_count=Count("deadlines"))


@router.get("/campaigns/", response=list[CampaignOut], url_name="api-campaign-list")
@paginate
@scoped(Campaign, "list")
def list_campaigns(request, filters: Query[CampaignQuery]):
    """The campaigns the caller's year is framed by: her federations' and those above her."""
    require_view(request.auth)
    qs = _campaigns(request.auth).order_by("-year", "org__path")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(theme__icontains=filters.q))
    return qs


@router.get("/campaigns/{campaign_id}/", response=CampaignOut, url_name="api-campaign-detail")
@scoped(Campaign, "read", kwarg="campaign_id")
def get_campaign(request, campaign_id: Id):
    campaign = get_visible_or_404(_campaigns(request.auth), request.auth, pk=campaign_id)
    require_view(request.auth)
    return campaign


@router.post("/campaigns/", response={201: CampaignOut}, url_name="api-campaign-create")
@scoped(Campaign, "create")
def create_campaign(request, payload: CampaignIn):
    """A year's campaign with the 2014 notice's calendar of deadlines (editable one by one)."""
    org = ref(Org, request.auth, payload.org, "org", "主办单位")
    data = {k: v for k, v in payload.dict(exclude={"org"}).items() if v is not None}
    campaign = services.create_campaign(request.auth, org=org, **data)
    return Status(201, _campaigns(request.auth).get(pk=campaign.pk))


@router.patch("/campaigns/{campaign_id}/", response=CampaignOut, url_name="api-campaign-update")
@scoped(Campaign, "change", kwarg="campaign_id")
def update_campaign(request, campaign_id: Id, payload: CampaignPatch):
    campaign = get_visible_or_404(Campaign.objects.select_related("org"), request.auth, pk=campaign_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.change_campaign(request.auth, campaign, **fields)
    return _campaigns(request.auth).get(pk=campaign.pk)


@router.post("/campaigns/{campaign_id}/copy/", response={201: CampaignOut}, url_name="api-campaign-copy")
@scoped(Campaign, "change", kwarg="campaign_id")
def copy_campaign(request, campaign_id: Id):
    """Next year's campaign from this one in one step: same theme, the calendar a year later (CAM-1)."""
    campaign = get_visible_or_404(Campaign.objects.select_related("org"), request.auth, pk=campaign_id)
    new = services.copy_to_next_year(request.auth, campaign)
    return Status(201, _campaigns(request.auth).get(pk=new.pk))


@router.delete("/deadlines/{deadline_id}/", response={204: None}, url_name="api-deadline-delete")
@scoped(Deadline, "delete", kwarg="deadline_id")
def delete_deadline(request, deadline_id: Id):
    """Remove a deadline set by mistake, with who owed it — never one a unit has submitted for (422)."""
    deadline = get_visible_or_404(
        Deadline.objects.select_related("campaign__org"), request.auth, pk=deadline_id
    )
    services.delete_deadline(request.auth, deadline)
    return Status(204, None)
