"""The campaign calendar in the API (PLT-3): deadlines and who owes them, the completeness table,
submissions and implementation plans (CAM-2, CAM-3) — same scope, permissions and services as the pages."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from fuqing.campaigns import plans as plan_services
from fuqing.campaigns import services, submissions
from fuqing.campaigns.models import Campaign, Deadline, Obligation, ObligationStatus, Plan, Submission
from fuqing.core.routes import scoped
from fuqing.core.scoping import ensure_editable, get_visible_or_404
from fuqing.orgs.models import Org, User

router = Router(tags=["campaigns"])


def _require_view(user) -> None:
    if not user.has_module_perm("campaigns", "view"):
        raise PermissionDenied("您没有查看活动与报送的权限。")


class Invalid(HttpError):
    def __init__(self, exc: ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        super().__init__(
            422,
            "；".join(
                f"{field}：{m}" if field != "__all__" else m for field, ms in errors.items() for m in ms
            ),
        )


def _page(qs, limit: int, offset: int):
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    return qs.count(), list(qs[offset : offset + limit])


class PageFilter(Schema):
    q: str | None = None
    year: int | None = None
    limit: int = 100
    offset: int = 0


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
    campaign: int
    code: str
    name: str
    due_on: datetime.date
    kind: str = "document"
    description: str = ""
    owed_by_kinds: list[str] = []
    owed_by_orgs: list[int] = []
    remind_days_before: int = 7


class DeadlinePatch(Schema):
    code: str | None = None
    name: str | None = None
    due_on: datetime.date | None = None
    kind: str | None = None
    description: str | None = None
    owed_by_kinds: list[str] | None = None
    owed_by_orgs: list[int] | None = None
    remind_days_before: int | None = None


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
    _require_view(request.auth)
    qs = Deadline.objects.visible_to(request.auth).select_related("campaign").order_by("due_on", "pk")
    if filters.year:
        qs = qs.filter(campaign__year=filters.year)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q[:50]) | Q(code=filters.q[:40]))
    count, items = _page(qs, filters.limit, filters.offset)
    return {"count": count, "items": _deadlines_out(request.auth, items)}


@router.get("/deadlines/{deadline_id}/", response=DeadlineOut, url_name="api-deadline-detail")
@scoped(Deadline, "read", kwarg="deadline_id")
def get_deadline(request, deadline_id: int):
    deadline = get_visible_or_404(Deadline.objects.select_related("campaign"), request.auth, pk=deadline_id)
    _require_view(request.auth)
    return _deadlines_out(request.auth, [deadline])[0]


def _orgs(user, ids: list[int]) -> list[Org]:
    orgs = list(Org.objects.visible_to(user).filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in orgs})
    if missing:
        raise HttpError(422, f"找不到单位：{missing}")
    return orgs


@router.post("/deadlines/", response={201: DeadlineOut}, url_name="api-deadline-create")
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
def update_deadline(request, deadline_id: int, payload: DeadlinePatch):
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
    deadline: int | None = None
    status: str | None = None
    under: int | None = None
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
    _require_view(request.auth)
    today = timezone.localdate()
    qs = Obligation.objects.visible_to(request.auth).filter(is_owed=True)
    if filters.year:
        qs = qs.filter(deadline__campaign__year=filters.year)
    params = {k: v for k, v in filters.dict().items() if v is not None}
    qs = submissions.filter_obligations(qs, params, today)
    counts = qs.status_counts(today)
    count, items = _page(submissions.table_rows(qs), filters.limit, filters.offset)
    return {"count": count, "counts": counts, "items": [_obligation_out(o, today) for o in items]}


@router.get("/obligations/{obligation_id}/", response=ObligationOut, url_name="api-obligation-detail")
@scoped(Obligation, "read", kwarg="obligation_id")
def get_obligation(request, obligation_id: int):
    obligation = get_visible_or_404(
        Obligation.objects.select_related("deadline", "org"), request.auth, pk=obligation_id
    )
    _require_view(request.auth)
    return _obligation_out(obligation, timezone.localdate())


# --- submissions ----------------------------------------------------------------------------------


class SubmissionOut(Schema):
    id: int
    obligation: int
    org: int
    org_name: str
    deadline: int
    deadline_name: str
    version: int
    is_current: bool
    late: bool
    file_name: str
    file_size: int
    plan_version: int | None
    note: str
    submitted_at: datetime.datetime
    download_url: str | None


class SubmissionPage(Schema):
    count: int
    items: list[SubmissionOut]


class SubmissionFilter(PageFilter):
    deadline: int | None = None
    org: int | None = None
    current_only: bool = False


def _submission_out(s: Submission) -> dict:
    o = s.obligation
    return {
        "id": s.pk,
        "obligation": o.pk,
        "org": o.org_id,
        "org_name": o.org.name,
        "deadline": o.deadline_id,
        "deadline_name": o.deadline.name,
        "version": s.version,
        "is_current": s.is_current,
        "late": s.is_late,
        "file_name": s.file_name,
        "file_size": s.file_size,
        "plan_version": s.plan_version_id,
        "note": s.note,
        "submitted_at": s.submitted_at,
        "download_url": reverse("campaigns:submission-file", args=[s.pk]) if s.has_file else None,
    }


def _submissions(user):
    return Submission.objects.visible_to(user).select_related("obligation__org", "obligation__deadline")


@router.get("/submissions/", response=SubmissionPage, url_name="api-submission-list")
@scoped(Submission, "list")
def list_submissions(request, filters: Query[SubmissionFilter]):
    """Submitted versions inside the caller's scope (newest first); the file downloads from download_url."""
    _require_view(request.auth)
    qs = _submissions(request.auth)
    if filters.year:
        qs = qs.filter(obligation__deadline__campaign__year=filters.year)
    if filters.deadline:
        qs = qs.filter(obligation__deadline_id=filters.deadline)
    if filters.org:
        qs = qs.filter(obligation__org_id=filters.org)
    if filters.current_only:
        qs = qs.filter(is_current=True)
    if filters.q:
        q = filters.q[:50]
        qs = qs.filter(
            Q(note__icontains=q)
            | Q(file_name__icontains=q)
            | Q(obligation__org__name__icontains=q)
            | Q(obligation__deadline__name__icontains=q)
        )
    count, items = _page(qs.order_by("-submitted_at", "-pk"), filters.limit, filters.offset)
    return {"count": count, "items": [_submission_out(s) for s in items]}


@router.get("/submissions/{submission_id}/", response=SubmissionOut, url_name="api-submission-detail")
@scoped(Submission, "read", kwarg="submission_id")
def get_submission(request, submission_id: int):
    submission = get_visible_or_404(_submissions(request.auth), request.auth, pk=submission_id)
    _require_view(request.auth)
    return _submission_out(submission)


@router.post("/submissions/", response={201: SubmissionOut}, url_name="api-submission-create")
def create_submission(request, obligation: Form[int], note: Form[str] = "", file: File[UploadedFile] = None):
    """Upload the unit's document for an obligation (multipart: obligation, file, note). Posting again
    for the same obligation replaces the current version; earlier versions stay (CAM-2)."""
    target = get_visible_or_404(
        Obligation.objects.select_related("deadline", "org"), request.auth, pk=obligation
    )
    ensure_editable(request.auth, target)
    try:
        submission = submissions.submit_document(request.auth, target, file, note)
    except ValidationError as exc:
        raise Invalid(exc) from None
    submission = _submissions(request.auth).get(pk=submission.pk)
    return Status(201, _submission_out(submission))


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
    org: int | None = None
    status: str | None = None


class PlanIn(Schema):
    campaign: int
    org: int
    title: str
    goals: str
    responsibilities: str
    measures: str = ""
    leaders: list[int]


class PlanPatch(Schema):
    title: str | None = None
    goals: str | None = None
    responsibilities: str | None = None
    measures: str | None = None
    leaders: list[int] | None = None


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
    _require_view(request.auth)
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
    count, items = _page(qs, filters.limit, filters.offset)
    return {"count": count, "items": [_plan_out(p) for p in items]}


@router.get("/plans/{plan_id}/", response=PlanOut, url_name="api-plan-detail")
@scoped(Plan, "read", kwarg="plan_id")
def get_plan(request, plan_id: int):
    plan = get_visible_or_404(_plans(request.auth), request.auth, pk=plan_id)
    _require_view(request.auth)
    return _plan_out(plan)


@router.post("/plans/", response={201: PlanOut}, url_name="api-plan-create")
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
def update_plan(request, plan_id: int, payload: PlanPatch):
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
def submit_plan(request, plan_id: int):
    """Submit the plan's current version (counts as the unit's submission for a plan deadline)."""
    plan = get_visible_or_404(_plans(request.auth), request.auth, pk=plan_id)
    ensure_editable(request.auth, plan)
    try:
        plan_services.submit_plan(request.auth, plan)
    except ValidationError as exc:
        raise Invalid(exc) from None
    return _plan_out(_plans(request.auth).get(pk=plan.pk))
