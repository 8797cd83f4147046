"""Implementation plans: list, read, create, update, submit (CAM-3)."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.urls import reverse
from ninja import Field, Query, Schema, Status

from fuqing.api.campaigns.common import require_view, router
from fuqing.api.kit import paginate, query_schema, ref, refs
from fuqing.api.types import Id
from fuqing.campaigns import plans as plan_services
from fuqing.campaigns.filters import PlanFilter
from fuqing.campaigns.models import Campaign, Plan, PlanAttachment
from fuqing.core.routes import scoped
from fuqing.core.scoping import ensure_editable, get_visible_or_404
from fuqing.orgs.models import Org, User

# --- plans ----------------------------------------------------------------------------------------


class LeaderOut(Schema):
    id: int
    name: str = Field(alias="display_name")
    position: str = Field(alias="get_position_display")


class AttachmentOut(Schema):
    id: int
    file_name: str
    file_size: int
    uploaded_at: datetime.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(a):
        return reverse("campaigns:attachment", args=[a.pk])


class PlanOut(Schema):
    id: int
    campaign: int = Field(alias="campaign_id")
    year: int = Field(alias="campaign.year")
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    title: str
    goals: str
    responsibilities: str
    measures: str
    leaders: list[LeaderOut]
    version: int
    status: str = Field(alias="status_label")
    submitted_at: datetime.datetime | None
    submitted_version: int | None
    updated_at: datetime.datetime
    attachments: list[AttachmentOut] = Field(alias="kept_attachments")


PlanQuery = query_schema(PlanFilter)


class PlanIn(Schema):
    campaign: Id
    org: Id
    title: str
    goals: str
    responsibilities: str
    measures: str = ""
    leaders: list[Id]


class PlanPatch(Schema):
    title: str | None = None
    goals: str | None = None
    responsibilities: str | None = None
    measures: str | None = None
    leaders: list[Id] | None = None


def _plans(user):
    kept = Prefetch("attachments", queryset=PlanAttachment.objects.present(), to_attr="kept_attachments")
    return Plan.objects.visible_to(user).select_related("campaign", "org").prefetch_related("leaders", kept)


def _leaders(user, ids: list[int]) -> list[User]:
    return refs(User, user, ids, "leaders", "牵头领导")


@router.get("/plans/", response=list[PlanOut], url_name="api-plan-list")
@paginate
@scoped(Plan, "list")
def list_plans(request, filters: Query[PlanQuery]):
    """Implementation plans inside the caller's scope (CAM-3), with the plans page's own filters
    (``org``: the unit and its subtree)."""
    require_view(request.auth)
    if filters.org:
        ref(Org, request.auth, filters.org, "org", "单位")  # a foreign unit is 404
    qs = PlanFilter.strict(filters.dict(), request.auth).apply(_plans(request.auth))
    return qs.order_by("campaign__year", "org__path")


@router.get("/plans/{plan_id}/", response=PlanOut, url_name="api-plan-detail")
@scoped(Plan, "read", kwarg="plan_id")
def get_plan(request, plan_id: Id):
    plan = get_visible_or_404(_plans(request.auth), request.auth, pk=plan_id)
    require_view(request.auth)
    return plan


@router.post("/plans/", response={201: PlanOut}, url_name="api-plan-create")
@scoped(Plan, "create")
def create_plan(request, payload: PlanIn):
    """A unit's implementation plan: goals, responsibilities and leaders (people of the unit) required."""
    campaign = get_visible_or_404(Campaign, request.auth, pk=payload.campaign)
    org = get_visible_or_404(Org, request.auth, edit=True, pk=payload.org)
    data = payload.dict(exclude={"campaign", "org", "leaders"})
    plan = plan_services.create_plan(
        request.auth, campaign=campaign, org=org, leaders=_leaders(request.auth, payload.leaders), **data
    )
    return Status(201, _plans(request.auth).get(pk=plan.pk))


@router.patch("/plans/{plan_id}/", response=PlanOut, url_name="api-plan-update")
@scoped(Plan, "change", kwarg="plan_id")
def update_plan(request, plan_id: Id, payload: PlanPatch):
    """Change a plan; every change is a new version (the old ones stay)."""
    plan = get_visible_or_404(_plans(request.auth), request.auth, pk=plan_id)
    ensure_editable(request.auth, plan)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    leaders = data.pop("leaders", None)
    plan_services.update_plan(
        request.auth,
        plan,
        leaders=_leaders(request.auth, leaders) if leaders is not None else None,
        **data,
    )
    return _plans(request.auth).get(pk=plan.pk)


@router.post("/plans/{plan_id}/submit/", response=PlanOut, url_name="api-plan-submit")
@scoped(Plan, "change", kwarg="plan_id")
def submit_plan(request, plan_id: Id):
    """Submit the plan's current version (counts as the unit's submission for a plan deadline)."""
    plan = get_visible_or_404(_plans(request.auth), request.auth, pk=plan_id)
    ensure_editable(request.auth, plan)
    plan_services.submit_plan(request.auth, plan)
    return _plans(request.auth).get(pk=plan.pk)
