"""Implementation plans: list, read, create, update, submit (CAM-3)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from ninja import Query, Schema, Status
from ninja.errors import HttpError

from fuqing.api.campaigns.common import Invalid, PageFilter, paginate, require_view, router
from fuqing.api.types import Id
from fuqing.campaigns import plans as plan_services
from fuqing.campaigns.models import Campaign, Plan
from fuqing.core.routes import scoped
from fuqing.core.scoping import ensure_editable, get_visible_or_404
from fuqing.orgs.models import Org, User

# --- plans ----------------------------------------------------------------------------------------


class LeaderOut(Schema):
    id: int
    name: str
    position: str


class AttachmentOut(Schema):
    id: int
    file_name: str
    file_size: int
    uploaded_at: datetime.datetime
    download_url: str


class PlanOut(Schema):
    id: int
    campaign: int
    year: int
    org: int
    org_name: str
    title: str
    goals: str
    responsibilities: str
    measures: str
    leaders: list[LeaderOut]
    version: int
    status: str
    submitted_at: datetime.datetime | None
    submitted_version: int | None
    updated_at: datetime.datetime
    attachments: list[AttachmentOut]


class PlanPage(Schema):
    count: int
    items: list[PlanOut]


class PlanFilter(PageFilter):
    org: Id | None = None
    status: str | None = None


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


def _plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "campaign": plan.campaign_id,
        "year": plan.campaign.year,
        "org": plan.org_id,
        "org_name": plan.org.name,
        "title": plan.title,
        "goals": plan.goals,
        "responsibilities": plan.responsibilities,
        "measures": plan.measures,
        "leaders": [
            {"id": u.pk, "name": u.display_name, "position": str(u.get_position_display())}
            for u in plan.leaders.all()
        ],
        "version": plan.version,
        "status": plan.status_label,
        "submitted_at": plan.submitted_at,
        "submitted_version": plan.submitted_version,
        "updated_at": plan.updated_at,
        "attachments": [
            {
                "id": a.pk,
                "file_name": a.file_name,
                "file_size": a.file_size,
                "uploaded_at": a.uploaded_at,
                "download_url": reverse("campaigns:attachment", args=[a.pk]),
            }
            for a in plan.attachments.all()
            if a.removed_at is None
        ],
    }


def _plans(user):
    return (
        Plan.objects.visible_to(user)
        .select_related("campaign", "org")
        .prefetch_related("leaders", "attachments")
    )


def _leaders(user, ids: list[int]) -> list[User]:
    users = list(User.objects.visible_to(user).filter(pk__in=ids))
    missing = sorted(set(ids) - {u.pk for u in users})
    if missing:
        raise HttpError(422, f"找不到牵头领导（用户编号）：{missing}")
    return users


@router.get("/plans/", response=PlanPage, url_name="api-plan-list")
@scoped(Plan, "list")
def list_plans(request, filters: Query[PlanFilter]):
    """Implementation plans inside the caller's scope (CAM-3)."""
    require_view(request.auth)
    qs = _plans(request.auth).order_by("campaign__year", "org__path")
    if filters.year:
        qs = qs.filter(campaign__year=filters.year)
    if filters.org:
        qs = qs.filter(org_id=filters.org)
    if filters.status == "submitted":
        qs = qs.filter(submitted_at__isnull=False)
    elif filters.status == "draft":
        qs = qs.filter(submitted_at__isnull=True)
    if filters.q:
        q = filters.q[:50]
        qs = qs.filter(Q(title__icontains=q) | Q(org__name__icontains=q) | Q(goals__icontains=q))
    count, items = paginate(qs, filters.limit, filters.offset)
    return {"count": count, "items": [_plan_out(p) for p in items]}


@router.get("/plans/{plan_id}/", response=PlanOut, url_name="api-plan-detail")
@scoped(Plan, "read", kwarg="plan_id")
def get_plan(request, plan_id: Id):
    plan = get_visible_or_404(_plans(request.auth), request.auth, pk=plan_id)
    require_view(request.auth)
    return _plan_out(plan)


@router.post("/plans/", response={201: PlanOut}, url_name="api-plan-create")
@scoped(Plan, "create")
def create_plan(request, payload: PlanIn):
    """A unit's implementation plan: goals, responsibilities and leaders (people of the unit) required."""
    campaign = get_visible_or_404(Campaign, request.auth, pk=payload.campaign)
    org = get_visible_or_404(Org, request.auth, edit=True, pk=payload.org)
    data = payload.dict(exclude={"campaign", "org", "leaders"})
    try:
        plan = plan_services.create_plan(
            request.auth, campaign=campaign, org=org, leaders=_leaders(request.auth, payload.leaders), **data
        )
    except ValidationError as exc:
        raise Invalid(exc) from None
    return Status(201, _plan_out(_plans(request.auth).get(pk=plan.pk)))


@router.patch("/plans/{plan_id}/", response=PlanOut, url_name="api-plan-update")
@scoped(Plan, "change", kwarg="plan_id")
def update_plan(request, plan_id: Id, payload: PlanPatch):
    """Change a plan; every change is a new version (the old ones stay)."""
    plan = get_visible_or_404(_plans(request.auth), request.auth, pk=plan_id)
    ensure_editable(request.auth, plan)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    leaders = data.pop("leaders", None)
    try:
        plan_services.update_plan(
            request.auth,
            plan,
            leaders=_leaders(request.auth, leaders) if leaders is not None else None,
            **data,
        )
    except ValidationError as exc:
        raise Invalid(exc) from None
    return _plan_out(_plans(request.auth).get(pk=plan.pk))


@router.post("/plans/{plan_id}/submit/", response=PlanOut, url_name="api-plan-submit")
@scoped(Plan, "change", kwarg="plan_id")
def submit_plan(request, plan_id: Id):
    """Submit the plan's current version (counts as the unit's submission for a plan deadline)."""
    plan = get_visible_or_404(_plans(request.auth), request.auth, pk=plan_id)
    ensure_editable(request.auth, plan)
    try:
        plan_services.submit_plan(request.auth, plan)
    except ValidationError as exc:
        raise Invalid(exc) from None
    return _plan_out(_plans(request.auth).get(pk=plan.pk))
