"""Livelihood projects in the API (PLT-3; PRJ-1 … PRJ-5): projects, indicators, targets and splits,
progress with its history and the rolled-up figures, beneficiaries, volunteers, households and pairs.

The same scoping and services as the pages: lists start at ``visible_to``, objects come through
``get_visible_or_404`` (404 outside the caller's scope), writes go through ``fuqing.projects.services``.
A volunteer gets her own households (``/my/households/``) and nothing else.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from fuqing.api.types import Amount, Count, Day, Id, Limit, Money, Offset, Ratio, Year
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404, user_scope
from fuqing.orgs.models import Org
from fuqing.projects import metrics, services
from fuqing.projects.access import require_edit, require_view
from fuqing.projects.models import (
    Beneficiary,
    Household,
    Indicator,
    ProgressEntry,
    Project,
    Target,
    Volunteer,
    VolunteerPair,
)
from fuqing.projects.units import children_of, default_unit
from fuqing.registry.models import Woman

router = Router(tags=["projects"])


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def invalid(exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(422, {"detail": "；".join(exc.messages), "errors": errors})


class Page(Schema):
    limit: Limit = 100
    offset: Offset = 0
    q: str | None = None
    year: Year | None = None


def _page(qs, page: Page) -> tuple[int, list]:
    limit = max(1, min(page.limit, 1000))
    offset = max(0, page.offset)
    return qs.count(), list(qs[offset : offset + limit])


# --- projects and indicators ---------------------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    project: int
    name: str
    unit: str
    unit_label: str
    target: Decimal | None
    source: str
    measure: str
    help_kind: str
    profile: list[float] | None
    notes: str


def indicator_out(i: Indicator) -> dict:
    return {
        "id": i.pk,
        "project": i.project_id,
        "name": i.name,
        "unit": i.unit,
        "unit_label": str(i.get_unit_display()),
        "target": i.target,
        "source": i.source,
        "measure": i.measure,
        "help_kind": i.help_kind,
        "profile": i.profile,
        "notes": i.notes,
    }


class ProjectOut(Schema):
    id: int
    year: int
    name: str
    org: int
    org_name: str
    lead_department: int | None
    lead_department_name: str
    description: str
    help_kinds: list[str]
    indicators: list[IndicatorOut]


def project_out(p: Project) -> dict:
    return {
        "id": p.pk,
        "year": p.year,
        "name": p.name,
        "org": p.org_id,
        "org_name": p.org.name,
        "lead_department": p.lead_department_id,
        "lead_department_name": p.lead_department.name if p.lead_department else "",
        "description": p.description,
        "help_kinds": p.help_kinds,
        "indicators": [indicator_out(i) for i in p.indicators.all()],
    }


class ProjectPage(Schema):
    count: int
    items: list[ProjectOut]


@router.get("/projects/", response=ProjectPage, url_name="api-project-list")
@scoped(Project, "list")
def list_projects(request, page: Query[Page]):
    """Projects the caller sees: her unit's, her ancestors' (they apply to her) and her subtree's."""
    require_view(request.auth)
    qs = Project.objects.visible_to(request.auth).select_related("org", "lead_department")
    if page.year:
        qs = qs.filter(year=page.year)
    if page.q:
        qs = qs.filter(Q(name__icontains=page.q[:50]) | Q(description__icontains=page.q[:50]))
    count, items = _page(qs.prefetch_related("indicators").order_by("-year", "sort", "id"), page)
    return {"count": count, "items": [project_out(p) for p in items]}


class ProjectIn(Schema):
    org: Id
    year: Year
    name: str
    lead_department: Id | None = None
    description: str = ""
    help_kinds: list[str] = []
    sort: Count = 100


@router.post("/projects/", response={201: ProjectOut, 422: ErrorOut}, url_name="api-project-create")
@scoped(Project, "create")
def create_project(request, payload: ProjectIn):
    """Create a project of a campaign year (PRJ-1); the campaign is the nearest one covering the unit."""
    require_edit(request.auth)
    org = get_visible_or_404(Org, request.auth, pk=payload.org)
    department = (
        get_visible_or_404(Org, request.auth, pk=payload.lead_department) if payload.lead_department else None
    )
    campaign = services.campaign_for_org(org, payload.year)
    if campaign is None:
        return Status(422, {"detail": f"还没有覆盖该单位的{payload.year}年活动。", "errors": {}})
    try:
        project = services.create_project(
            request.auth,
            org=org,
            campaign=campaign,
            name=payload.name,
            lead_department=department,
            description=payload.description,
            help_kinds=payload.help_kinds,
            sort=payload.sort,
        )
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, project_out(project))


@router.get("/projects/{project_id}/", response=ProjectOut, url_name="api-project-detail")
@scoped(Project, "read", kwarg="project_id")
def get_project(request, project_id: Id):
    project = get_visible_or_404(
        Project.objects.select_related("org", "lead_department"), request.auth, pk=project_id
    )
    require_view(request.auth)
    return project_out(project)


class FigureOut(Schema):
    indicator: int
    org: int
    org_name: str
    target: Decimal | None
    target_is_draft: bool
    value: Decimal
    expected: Decimal | None
    completion_rate: float | None
    status: str
    status_label: str


class FiguresQuery(Schema):
    org: Id | None = None
    as_of: Day | None = None


class FiguresOut(Schema):
    as_of: datetime.date
    org: int
    figures: list[FigureOut]


def _unit(request, project_org: Org, org_id: int | None) -> Org:
    """The unit to compute figures for: the one asked (inside the caller's scope and the project's
    area), else the caller's unit, else the project's own when her scope covers it."""
    if org_id is not None:
        unit = get_visible_or_404(Org, request.auth, pk=org_id)
        if not unit.path.startswith(project_org.path):
            raise HttpError(422, "该单位不在项目范围内。")
        return unit
    unit = default_unit(request.auth)
    if unit is not None and unit.path.startswith(project_org.path):
        return unit
    if user_scope(request.auth).covers(project_org.path):
        return project_org
    raise HttpError(422, "请用 org 参数指定项目范围内的单位。")


@router.get("/projects/{project_id}/figures/", response=FiguresOut, url_name="api-project-figures")
@scoped(Project, "read", kwarg="project_id")
def project_figures(request, project_id: Id, params: Query[FiguresQuery]):
    """Every indicator of the project at one unit, rolled up its subtree (PRJ-3): cumulative value,
    completion rate, expected value at the date, status."""
    project = get_visible_or_404(
        Project.objects.select_related("org", "campaign"), request.auth, pk=project_id
    )
    require_view(request.auth)
    unit = _unit(request, project.org, params.org)
    on = metrics.view_date(project.campaign, timezone.localdate(), params.as_of)
    indicators = list(project.indicators.select_related("project", "project__campaign", "project__org"))
    figures = metrics.figures(indicators, [unit], on)
    return {"as_of": on, "org": unit.pk, "figures": [figures[(i.pk, unit.pk)].as_dict() for i in indicators]}


class IndicatorIn(Schema):
    name: str | None = None
    unit: str | None = None
    target: Amount | None = None
    source: str | None = None
    measure: str | None = None
    help_kind: str | None = None
    profile: list[Ratio] | None = None
    sort: Count = 100
    notes: str = ""


@router.post(
    "/projects/{project_id}/indicators/",
    response={201: IndicatorOut, 422: ErrorOut},
    url_name="api-indicator-create",
)
@scoped(Project, "change", kwarg="project_id")
def add_indicator(request, project_id: Id, payload: IndicatorIn):
    project = get_visible_or_404(Project, request.auth, pk=project_id)
    require_edit(request.auth)
    try:
        indicator = services.add_indicator(request.auth, project, **payload.dict())
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, indicator_out(indicator))


class IndicatorPage(Schema):
    count: int
    items: list[IndicatorOut]


@router.get("/indicators/", response=IndicatorPage, url_name="api-indicator-list")
@scoped(Indicator, "list")
def list_indicators(request, page: Query[Page], project: Id | None = None):
    require_view(request.auth)
    qs = Indicator.objects.visible_to(request.auth)
    if page.year:
        qs = qs.filter(project__year=page.year)
    if project:
        qs = qs.filter(project_id=project)
    if page.q:
        qs = qs.filter(Q(name__icontains=page.q[:50]) | Q(project__name__icontains=page.q[:50]))
    count, items = _page(qs.order_by("project_id", "sort", "id"), page)
    return {"count": count, "items": [indicator_out(i) for i in items]}


@router.get("/indicators/{indicator_id}/", response=IndicatorOut, url_name="api-indicator-detail")
@scoped(Indicator, "read", kwarg="indicator_id")
def get_indicator(request, indicator_id: Id):
    indicator = get_visible_or_404(Indicator, request.auth, pk=indicator_id)
    require_view(request.auth)
    return indicator_out(indicator)


class MonthOut(Schema):
    month: str
    value: Decimal | None
    expected: Decimal | None


class IndicatorFiguresOut(Schema):
    as_of: datetime.date
    unit: FigureOut
    children: list[FigureOut]
    months: list[MonthOut]


@router.get(
    "/indicators/{indicator_id}/figures/", response=IndicatorFiguresOut, url_name="api-indicator-figures"
)
@scoped(Indicator, "read", kwarg="indicator_id")
def indicator_figures(request, indicator_id: Id, params: Query[FiguresQuery]):
    """One indicator at a unit and at each of its children, and the month-end series against the
    expected line (the chart's data)."""
    indicator = get_visible_or_404(
        Indicator.objects.select_related("project", "project__org", "project__campaign"),
        request.auth,
        pk=indicator_id,
    )
    require_view(request.auth)
    unit = _unit(request, indicator.project.org, params.org)
    on = metrics.view_date(indicator.project.campaign, timezone.localdate(), params.as_of)
    children = children_of(unit, request.auth)
    figures = metrics.figures([indicator], [unit, *children], on)
    series = metrics.monthly_series(indicator, unit, on)
    return {
        "as_of": on,
        "unit": figures[(indicator.pk, unit.pk)].as_dict(),
        "children": [figures[(indicator.pk, c.pk)].as_dict() for c in children],
        "months": [
            {
                "month": f"{p['month']:%Y-%m}",
                "value": None if p["future"] else p["value"],
                "expected": p["expected"],
            }
            for p in series
        ],
    }


# --- targets --------------------------------------------------------------------------------------


class PartOut(Schema):
    org: int
    org_name: str
    value: Decimal | None
    draft: bool
    note: str


class SplitOut(Schema):
    indicator: int
    org: int
    org_name: str
    whole: Decimal | None
    whole_is_draft: bool
    total: Decimal
    difference: Decimal | None
    balanced: bool
    draft: bool
    message: str
    parts: list[PartOut]


class SplitQuery(Schema):
    org: Id | None = None


def _split_parent(request, indicator: Indicator, org_id: int | None, fallback: bool = True) -> Org:
    """The unit whose split is read or written: the one asked, else the project's own unit (for a read,
    the caller's unit when her scope does not cover the project's)."""
    if org_id is not None:
        return get_visible_or_404(Org, request.auth, pk=org_id)
    if not fallback or user_scope(request.auth).covers(indicator.project.org.path):
        return indicator.project.org
    return default_unit(request.auth) or indicator.project.org


@router.get("/indicators/{indicator_id}/split/", response=SplitOut, url_name="api-split-detail")
@scoped(Indicator, "read", kwarg="indicator_id")
def get_split(request, indicator_id: Id, params: Query[SplitQuery]):
    """A unit's target and its children's parts, their sum and the difference (PRJ-2)."""
    indicator = get_visible_or_404(
        Indicator.objects.select_related("project", "project__org"), request.auth, pk=indicator_id
    )
    require_view(request.auth)
    parent = _split_parent(request, indicator, params.org)
    if not user_scope(request.auth).covers(parent.path) or not parent.path.startswith(
        indicator.project.org.path
    ):
        raise HttpError(422, "请用 org 参数指定您范围内、项目范围内的单位。")
    return services.get_split(indicator, parent).as_dict()


class PartIn(Schema):
    org: Id
    value: Amount | None = None
    note: str = ""


class SplitIn(Schema):
    org: Id | None = None
    parts: list[PartIn] = []
    issue: bool = False


@router.put(
    "/indicators/{indicator_id}/split/", response={200: SplitOut, 422: ErrorOut}, url_name="api-split-save"
)
@scoped(Indicator, "change", kwarg="indicator_id")
def save_split(request, indicator_id: Id, payload: SplitIn):
    """Set the parts of a unit's target; ``issue`` requires them to add up exactly (PRJ-2)."""
    indicator = get_visible_or_404(
        Indicator.objects.select_related("project", "project__org"), request.auth, pk=indicator_id
    )
    require_edit(request.auth)
    parent = _split_parent(request, indicator, payload.org, fallback=False)
    try:
        split = services.save_split(
            request.auth,
            indicator,
            parent,
            {p.org: p.value for p in payload.parts},
            issue=payload.issue,
            notes={p.org: p.note for p in payload.parts},
        )
    except ValidationError as exc:
        return invalid(exc)
    return Status(200, split.as_dict())


class TargetOut(Schema):
    id: int
    indicator: int
    indicator_name: str
    org: int
    org_name: str
    value: Decimal
    draft: bool
    note: str


class TargetPage(Schema):
    count: int
    items: list[TargetOut]


@router.get("/targets/", response=TargetPage, url_name="api-target-list")
@scoped(Target, "list")
def list_targets(request, page: Query[Page], indicator: Id | None = None):
    """Split targets given to units of the caller's scope."""
    require_view(request.auth)
    qs = Target.objects.visible_to(request.auth).select_related("indicator", "org")
    if indicator:
        qs = qs.filter(indicator_id=indicator)
    if page.year:
        qs = qs.filter(indicator__project__year=page.year)
    if page.q:
        qs = qs.filter(Q(note__icontains=page.q[:50]) | Q(indicator__name__icontains=page.q[:50]))
    count, items = _page(qs.order_by("indicator_id", "org__path"), page)
    return {
        "count": count,
        "items": [
            {
                "id": t.pk,
                "indicator": t.indicator_id,
                "indicator_name": t.indicator.name,
                "org": t.org_id,
                "org_name": t.org.name,
                "value": t.value,
                "draft": t.draft,
                "note": t.note,
            }
            for t in items
        ],
    }


# --- progress -------------------------------------------------------------------------------------


class ProgressOut(Schema):
    id: int
    indicator: int
    org: int
    org_name: str
    month: str
    value: Decimal
    reason: str
    entered_by: str
    entered_at: datetime.datetime
    current: bool
    superseded_at: datetime.datetime | None


def progress_out(e: ProgressEntry) -> dict:
    return {
        "id": e.pk,
        "indicator": e.indicator_id,
        "org": e.org_id,
        "org_name": e.org.name,
        "month": f"{e.month:%Y-%m}",
        "value": e.value,
        "reason": e.reason,
        "entered_by": e.entered_by.display_name if e.entered_by else "",
        "entered_at": e.entered_at,
        "current": e.is_current,
        "superseded_at": e.superseded_at,
    }


class ProgressPage(Schema):
    count: int
    items: list[ProgressOut]


@router.get("/progress/", response=ProgressPage, url_name="api-progress-list")
@scoped(ProgressEntry, "list")
def list_progress(
    request, page: Query[Page], indicator: Id | None = None, org: Id | None = None, history: bool = False
):
    """Reported monthly values; ``history=true`` adds the corrected ones."""
    require_view(request.auth)
    qs = ProgressEntry.objects.visible_to(request.auth).select_related("org", "entered_by")
    if not history:
        qs = qs.filter(superseded_at__isnull=True)
    if indicator:
        qs = qs.filter(indicator_id=indicator)
    if org:
        qs = qs.filter(org_id=org)
    if page.year:
        qs = qs.filter(year=page.year)
    if page.q:
        qs = qs.filter(Q(reason__icontains=page.q[:50]) | Q(indicator__name__icontains=page.q[:50]))
    count, items = _page(qs.order_by("-month", "org__path", "-entered_at"), page)
    return {"count": count, "items": [progress_out(e) for e in items]}


class ProgressIn(Schema):
    indicator: Id
    org: Id
    month: str
    value: Amount
    reason: str = ""


class ReportedOut(Schema):
    entry: ProgressOut
    corrected: ProgressOut | None
    unchanged: bool


def _parse_month(raw: str) -> datetime.date:
    try:
        year, month = (int(p) for p in raw.split("-")[:2])
        return datetime.date(year, month, 1)
    except ValueError:
        raise HttpError(422, "month 应写成 2014-05。") from None


@router.post(
    "/progress/", response={201: ReportedOut, 200: ReportedOut, 422: ErrorOut}, url_name="api-progress-report"
)
@scoped(ProgressEntry, "create")
def report_progress(request, payload: ProgressIn):
    """Report one month's value (PRJ-3). The same value again changes nothing (200); a different value
    needs ``reason`` and keeps the old entry in the history."""
    require_edit(request.auth)
    indicator = get_visible_or_404(
        Indicator.objects.select_related("project", "project__org"), request.auth, pk=payload.indicator
    )
    org = get_visible_or_404(Org, request.auth, pk=payload.org)
    try:
        result = services.report_progress(
            request.auth,
            indicator=indicator,
            org=org,
            month=_parse_month(payload.month),
            value=payload.value,
            reason=payload.reason,
        )
    except ValidationError as exc:
        return invalid(exc)
    body = {
        "entry": progress_out(result.entry),
        "corrected": progress_out(result.corrected) if result.corrected else None,
        "unchanged": result.unchanged,
    }
    return Status((200 if result.unchanged else 201), body)


class ProgressHistoryOut(Schema):
    entry: ProgressOut
    history: list[ProgressOut]


@router.get("/progress/{entry_id}/", response=ProgressHistoryOut, url_name="api-progress-detail")
@scoped(ProgressEntry, "read", kwarg="entry_id")
def get_progress(request, entry_id: Id):
    """One reported value and the history of its month (who, when, why)."""
    entry = get_visible_or_404(
        ProgressEntry.objects.select_related("indicator", "org", "entered_by"), request.auth, pk=entry_id
    )
    require_view(request.auth)
    history = services.history(entry.indicator, entry.org, entry.month).select_related("org")
    return {"entry": progress_out(entry), "history": [progress_out(e) for e in history]}


# --- beneficiaries --------------------------------------------------------------------------------


class BeneficiaryOut(Schema):
    id: uuid.UUID
    project: int
    project_name: str
    help_kind: str
    woman: uuid.UUID
    woman_name: str
    org: int
    org_name: str
    received_on: datetime.date
    amount: Decimal | None
    notes: str


def beneficiary_out(b: Beneficiary) -> dict:
    return {
        "id": b.pk,
        "project": b.project_id,
        "project_name": b.project.name,
        "help_kind": b.help_kind,
        "woman": b.woman_id,
        "woman_name": b.woman.masked_name,
        "org": b.org_id,
        "org_name": b.org.name,
        "received_on": b.received_on,
        "amount": b.amount,
        "notes": b.notes,
    }


class BeneficiaryPage(Schema):
    count: int
    items: list[BeneficiaryOut]


@router.get("/beneficiaries/", response=BeneficiaryPage, url_name="api-beneficiary-list")
@scoped(Beneficiary, "list")
def list_beneficiaries(request, page: Query[Page], project: Id | None = None, woman: uuid.UUID | None = None):
    """Beneficiaries in the caller's scope; names masked (REG-3)."""
    require_view(request.auth)
    qs = Beneficiary.objects.visible_to(request.auth).select_related("project", "woman", "org")
    if project:
        qs = qs.filter(project_id=project)
    if woman:
        qs = qs.filter(woman_id=woman)
    if page.year:
        qs = qs.filter(year=page.year)
    if page.q:
        q = page.q[:50]
        qs = qs.filter(Q(notes__icontains=q) | Q(help_kind__icontains=q) | Q(project__name__icontains=q))
    count, items = _page(qs.order_by("-received_on", "-created_at"), page)
    return {"count": count, "items": [beneficiary_out(b) for b in items]}


class BeneficiaryIn(Schema):
    project: Id
    woman: uuid.UUID
    org: Id
    received_on: Day
    help_kind: str = ""
    amount: Money | None = None
    notes: str = ""
    consent_exception: str = Field(
        "",
        description="健康帮扶而她尚未同意“健康信息”用途时（SEC-9）：例外原因，须 registry.approve 权限；"
        "她撤回同意后不接受",
    )


@router.post(
    "/beneficiaries/", response={201: BeneficiaryOut, 422: ErrorOut}, url_name="api-beneficiary-create"
)
@scoped(Beneficiary, "create")
def create_beneficiary(request, payload: BeneficiaryIn):
    """Record a woman's help (PRJ-4); the same help twice (woman, project, kind, day) is refused (422)."""
    require_edit(request.auth)
    project = get_visible_or_404(Project, request.auth, pk=payload.project)
    woman = get_visible_or_404(Woman.objects.select_related("org"), request.auth, pk=payload.woman)
    org = get_visible_or_404(Org, request.auth, pk=payload.org)
    try:
        record = services.record_beneficiary(
            request.auth,
            project=project,
            woman=woman,
            org=org,
            received_on=payload.received_on,
            help_kind=payload.help_kind,
            amount_yuan=payload.amount,
            notes=payload.notes,
            consent_exception=payload.consent_exception,
        )
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, beneficiary_out(record))


@router.get("/beneficiaries/{beneficiary_id}/", response=BeneficiaryOut, url_name="api-beneficiary-detail")
@scoped(Beneficiary, "read", kwarg="beneficiary_id")
def get_beneficiary(request, beneficiary_id: uuid.UUID):
    record = get_visible_or_404(
        Beneficiary.objects.select_related("project", "woman", "org"), request.auth, pk=beneficiary_id
    )
    require_view(request.auth)
    return beneficiary_out(record)


class RemoveIn(Schema):
    reason: str = ""


@router.delete(
    "/beneficiaries/{beneficiary_id}/", response={204: None, 422: ErrorOut}, url_name="api-beneficiary-delete"
)
@scoped(Beneficiary, "delete", kwarg="beneficiary_id")
def delete_beneficiary(request, beneficiary_id: uuid.UUID, payload: RemoveIn):
    """Remove a record entered by mistake; ``reason`` is required and goes to the audit log."""
    record = get_visible_or_404(Beneficiary, request.auth, pk=beneficiary_id)
    require_edit(request.auth)
    try:
        services.remove_beneficiary(request.auth, record, payload.reason)
    except ValidationError as exc:
        return invalid(exc)
    return Status(204, None)


# --- volunteers, households, pairs ---------------------------------------------------------------


class VolunteerOut(Schema):
    id: uuid.UUID
    name: str
    org: int
    org_name: str
    phone: str
    has_account: bool
    is_active: bool


def volunteer_out(v: Volunteer) -> dict:
    return {
        "id": v.pk,
        "name": v.name,
        "org": v.org_id,
        "org_name": v.org.name,
        "phone": v.masked_phone,
        "has_account": v.user_id is not None,
        "is_active": v.is_active,
    }


class VolunteerPage(Schema):
    count: int
    items: list[VolunteerOut]


@router.get("/volunteers/", response=VolunteerPage, url_name="api-volunteer-list")
@scoped(Volunteer, "list")
def list_volunteers(request, page: Query[Page]):
    require_view(request.auth)
    qs = Volunteer.objects.visible_to(request.auth).select_related("org")
    if page.q:
        qs = qs.filter(Q(name__icontains=page.q[:50]) | Q(notes__icontains=page.q[:50]))
    count, items = _page(qs.order_by("org__path", "name"), page)
    return {"count": count, "items": [volunteer_out(v) for v in items]}


@router.get("/volunteers/{volunteer_id}/", response=VolunteerOut, url_name="api-volunteer-detail")
@scoped(Volunteer, "read", kwarg="volunteer_id")
def get_volunteer(request, volunteer_id: uuid.UUID):
    volunteer = get_visible_or_404(Volunteer.objects.select_related("org"), request.auth, pk=volunteer_id)
    require_view(request.auth)
    return volunteer_out(volunteer)


class ElderOut(Schema):
    name: str
    sex: str
    birth_year: int | None
    woman: uuid.UUID | None


class HouseholdOut(Schema):
    id: uuid.UUID
    org: int
    org_name: str
    address: str
    phone: str
    notes: str
    elders: list[ElderOut]


def household_out(h: Household) -> dict:
    return {
        "id": h.pk,
        "org": h.org_id,
        "org_name": h.org.name,
        "address": h.address,
        "phone": h.masked_phone,
        "notes": h.notes,
        "elders": [
            {"name": e.masked_name, "sex": e.sex, "birth_year": e.birth_year, "woman": e.woman_id}
            for e in h.elders.all()
        ],
    }


class HouseholdPage(Schema):
    count: int
    items: list[HouseholdOut]


@router.get("/households/", response=HouseholdPage, url_name="api-household-list")
@scoped(Household, "list")
def list_households(request, page: Query[Page]):
    require_view(request.auth)
    qs = Household.objects.visible_to(request.auth).select_related("org").prefetch_related("elders")
    if page.q:
        qs = qs.filter(Q(address__icontains=page.q[:50]) | Q(notes__icontains=page.q[:50]))
    count, items = _page(qs.order_by("org__path", "address"), page)
    return {"count": count, "items": [household_out(h) for h in items]}


@router.get("/households/{household_id}/", response=HouseholdOut, url_name="api-household-detail")
@scoped(Household, "read", kwarg="household_id")
def get_household(request, household_id: uuid.UUID):
    """A household; a volunteer gets only a household she is paired with (her scope holds no other)."""
    household = get_visible_or_404(Household.objects.select_related("org"), request.auth, pk=household_id)
    require(request.auth, "projects", "view")
    return household_out(household)


class PairOut(Schema):
    id: int
    project: int
    project_name: str
    volunteer: uuid.UUID
    volunteer_name: str
    household: uuid.UUID
    household_address: str
    org: int
    org_name: str
    started_on: datetime.date
    ended_on: datetime.date | None
    notes: str


def pair_out(p: VolunteerPair) -> dict:
    return {
        "id": p.pk,
        "project": p.project_id,
        "project_name": p.project.name,
        "volunteer": p.volunteer_id,
        "volunteer_name": p.volunteer.name,
        "household": p.household_id,
        "household_address": p.household.address,
        "org": p.org_id,
        "org_name": p.org.name,
        "started_on": p.started_on,
        "ended_on": p.ended_on,
        "notes": p.notes,
    }


class PairPage(Schema):
    count: int
    items: list[PairOut]


def _pairs(qs):
    return qs.select_related("project", "volunteer", "household", "org")


@router.get("/volunteer-pairs/", response=PairPage, url_name="api-pair-list")
@scoped(VolunteerPair, "list")
def list_pairs(request, page: Query[Page]):
    require_view(request.auth)
    qs = _pairs(VolunteerPair.objects.visible_to(request.auth))
    if page.year:
        qs = qs.filter(year=page.year)
    if page.q:
        q = page.q[:50]
        qs = qs.filter(
            Q(notes__icontains=q) | Q(volunteer__name__icontains=q) | Q(household__address__icontains=q)
        )
    count, items = _page(qs.order_by("-started_on", "-id"), page)
    return {"count": count, "items": [pair_out(p) for p in items]}


class PairIn(Schema):
    project: Id
    volunteer: uuid.UUID
    household: uuid.UUID
    started_on: Day
    notes: str = ""


@router.post("/volunteer-pairs/", response={201: PairOut, 422: ErrorOut}, url_name="api-pair-create")
@scoped(VolunteerPair, "create")
def create_pair(request, payload: PairIn):
    """Pair a volunteer with a household of her area (PRJ-5); counts toward both indicators."""
    require_edit(request.auth)
    project = get_visible_or_404(Project, request.auth, pk=payload.project)
    volunteer = get_visible_or_404(
        Volunteer.objects.select_related("org"), request.auth, pk=payload.volunteer
    )
    household = get_visible_or_404(
        Household.objects.select_related("org"), request.auth, pk=payload.household
    )
    try:
        created = services.pair(
            request.auth,
            project=project,
            volunteer=volunteer,
            household=household,
            started_on=payload.started_on,
            notes=payload.notes,
        )
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, pair_out(created))


@router.get("/volunteer-pairs/{pair_id}/", response=PairOut, url_name="api-pair-detail")
@scoped(VolunteerPair, "read", kwarg="pair_id")
def get_pair(request, pair_id: Id):
    pair = get_visible_or_404(_pairs(VolunteerPair.objects), request.auth, pk=pair_id)
    require_view(request.auth)
    return pair_out(pair)


@router.get("/my/households/", response=PairPage, url_name="api-my-households")
@scoped(VolunteerPair, "list")
def my_households(request, page: Query[Page]):
    """The caller's own pairs as a volunteer (her households), and nothing else."""
    require(request.auth, "projects", "view")
    qs = _pairs(VolunteerPair.objects.visible_to(request.auth).of_volunteer_user(request.auth))
    if page.q:
        qs = qs.filter(Q(notes__icontains=page.q[:50]) | Q(household__address__icontains=page.q[:50]))
    count, items = _page(qs.order_by("ended_on", "-started_on"), page)
    return {"count": count, "items": [pair_out(p) for p in items]}
