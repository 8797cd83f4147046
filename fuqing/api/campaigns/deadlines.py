"""Deadlines and who owes them (CAM-1, CAM-2), and the completeness table (obligations)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from ninja import Query, Schema, Status
from ninja.errors import HttpError

from fuqing.api.campaigns.common import Invalid, PageFilter, paginate, require_view, router
from fuqing.api.types import Count, Day, Id
from fuqing.campaigns import services, submissions
from fuqing.campaigns.models import Campaign, Deadline, Obligation, ObligationStatus
from fuqing.core.routes import scoped
from fuqing.core.scoping import ensure_editable, get_visible_or_404
from fuqing.orgs.models import Org

# --- deadlines ------------------------------------------------------------------------------------


class CountsOut(Schema):
    owed: int
    on_time: int
    late: int
    missing: int
    pending: int


class DeadlineOut(Schema):
    id: int
    campaign: int
    year: int
    code: str
    name: str
    kind: str
    due_on: datetime.date
    description: str
    owed_by_kinds: list[str]
    owed_by_orgs: list[int]
    remind_days_before: int
    counts: CountsOut | None  # within the caller's scope


class DeadlinePage(Schema):
    count: int
    items: list[DeadlineOut]


class DeadlineIn(Schema):
    campaign: Id
    code: str
    name: str
    due_on: Day
    kind: str = "document"
    description: str = ""
    owed_by_kinds: list[str] = []
    owed_by_orgs: list[Id] = []
    remind_days_before: Count = 7


class DeadlinePatch(Schema):
    code: str | None = None
    name: str | None = None
    due_on: Day | None = None
    kind: str | None = None
    description: str | None = None
    owed_by_kinds: list[str] | None = None
    owed_by_orgs: list[Id] | None = None
    remind_days_before: Count | None = None


def _deadlines_out(user, deadlines: list[Deadline]) -> list[dict]:
    today = timezone.localdate()
    obligations = Obligation.objects.visible_to(user).filter(is_owed=True, deadline__in=deadlines)
    counts = submissions.counts_by_deadline(obligations, today)
    named = {}
    for deadline_id, org_id in Deadline.owed_by_orgs.through.objects.filter(
        deadline__in=deadlines
    ).values_list("deadline_id", "org_id"):
        named.setdefault(deadline_id, []).append(org_id)
    return [
        {
            "id": d.pk,
            "campaign": d.campaign_id,
            "year": d.campaign.year,
            "code": d.code,
            "name": d.name,
            "kind": d.kind,
            "due_on": d.due_on,
            "description": d.description,
            "owed_by_kinds": d.owed_by_kinds or [],
            "owed_by_orgs": named.get(d.pk, []),
            "remind_days_before": d.remind_days_before,
            "counts": counts[d.pk].__dict__ if d.pk in counts else None,
        }
        for d in deadlines
    ]


@router.get("/deadlines/", response=DeadlinePage, url_name="api-deadline-list")
@scoped(Deadline, "list")
def list_deadlines(request, filters: Query[PageFilter]):
    """Deadlines of the campaigns the caller sees, with completeness counts inside her scope."""
    require_view(request.auth)
    qs = Deadline.objects.visible_to(request.auth).select_related("campaign").order_by("due_on", "pk")
    if filters.year:
        qs = qs.filter(campaign__year=filters.year)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q[:50]) | Q(code=filters.q[:40]))
    count, items = paginate(qs, filters.limit, filters.offset)
    return {"count": count, "items": _deadlines_out(request.auth, items)}


@router.get("/deadlines/{deadline_id}/", response=DeadlineOut, url_name="api-deadline-detail")
@scoped(Deadline, "read", kwarg="deadline_id")
def get_deadline(request, deadline_id: Id):
    deadline = get_visible_or_404(Deadline.objects.select_related("campaign"), request.auth, pk=deadline_id)
    require_view(request.auth)
    return _deadlines_out(request.auth, [deadline])[0]


def _orgs(user, ids: list[int]) -> list[Org]:
    orgs = list(Org.objects.visible_to(user).filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in orgs})
    if missing:
        raise HttpError(422, f"找不到单位：{missing}")
    return orgs


@router.post("/deadlines/", response={201: DeadlineOut}, url_name="api-deadline-create")
@scoped(Deadline, "create")
def create_deadline(request, payload: DeadlineIn):
    """Add a deadline to a campaign and say who owes it (system administrators of the organiser)."""
    campaign = get_visible_or_404(Campaign, request.auth, edit=True, pk=payload.campaign)
    data = payload.dict(exclude={"campaign", "owed_by_orgs"})
    try:
        deadline = services.save_deadline(
            request.auth,
            Deadline(campaign=campaign),
            owed_by_orgs=_orgs(request.auth, payload.owed_by_orgs),
            **data,
        )
    except ValidationError as exc:
        raise Invalid(exc) from None
    return Status(201, _deadlines_out(request.auth, [deadline])[0])


@router.patch("/deadlines/{deadline_id}/", response=DeadlineOut, url_name="api-deadline-update")
@scoped(Deadline, "change", kwarg="deadline_id")
def update_deadline(request, deadline_id: Id, payload: DeadlinePatch):
    """Change a deadline or who owes it; the obligations follow."""
    deadline = get_visible_or_404(
        Deadline.objects.select_related("campaign__org"), request.auth, pk=deadline_id
    )
    ensure_editable(request.auth, deadline)
    data = payload.dict(exclude_unset=True)
    orgs = data.pop("owed_by_orgs", None)
    try:
        deadline = services.save_deadline(
            request.auth,
            deadline,
            owed_by_orgs=_orgs(request.auth, orgs) if orgs is not None else None,
            **{k: v for k, v in data.items() if v is not None},
        )
    except ValidationError as exc:
        raise Invalid(exc) from None
    return _deadlines_out(request.auth, [deadline])[0]


# --- obligations: the completeness / timeliness table ---------------------------------------------


class ObligationOut(Schema):
    id: int
    deadline: int
    deadline_name: str
    due_on: datetime.date
    org: int
    org_name: str
    status: str
    status_label: str
    days_late: int
    first_submitted_at: datetime.datetime | None
    last_submitted_at: datetime.datetime | None
    versions: int


class ObligationPage(Schema):
    count: int
    counts: CountsOut
    items: list[ObligationOut]


class ObligationFilter(PageFilter):
    deadline: Id | None = None
    status: str | None = None
    under: Id | None = None
    kind: str | None = None


def _obligation_out(o: Obligation, today) -> dict:
    status = o.status(today)
    return {
        "id": o.pk,
        "deadline": o.deadline_id,
        "deadline_name": o.deadline.name,
        "due_on": o.deadline.due_on,
        "org": o.org_id,
        "org_name": o.org.name,
        "status": status,
        "status_label": str(ObligationStatus(status).label),
        "days_late": o.days_late,
        "first_submitted_at": o.first_submitted_at,
        "last_submitted_at": o.last_submitted_at,
        "versions": o.versions,
    }


@router.get("/obligations/", response=ObligationPage, url_name="api-obligation-list")
@scoped(Obligation, "list")
def list_obligations(request, filters: Query[ObligationFilter]):
    """Who owes what and whether it came on time, late, or not at all (CAM-2), inside the caller's scope."""
    require_view(request.auth)
    today = timezone.localdate()
    qs = Obligation.objects.visible_to(request.auth).filter(is_owed=True)
    if filters.year:
        qs = qs.filter(deadline__campaign__year=filters.year)
    params = {k: v for k, v in filters.dict().items() if v is not None}
    qs = submissions.filter_obligations(qs, params, today)
    counts = qs.status_counts(today)
    count, items = paginate(submissions.table_rows(qs), filters.limit, filters.offset)
    return {"count": count, "counts": counts, "items": [_obligation_out(o, today) for o in items]}


@router.get("/obligations/{obligation_id}/", response=ObligationOut, url_name="api-obligation-detail")
@scoped(Obligation, "read", kwarg="obligation_id")
def get_obligation(request, obligation_id: Id):
    obligation = get_visible_or_404(
        Obligation.objects.select_related("deadline", "org"), request.auth, pk=obligation_id
    )
    require_view(request.auth)
    return _obligation_out(obligation, timezone.localdate())
