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
from ninja.responses import Status

from fuqing.api.kit import MaskedName, MaskedPhone, YearQuery, paginate, query_schema, ref
from fuqing.api.types import Amount, Count, Day, Id, Money, Ratio, Year
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404, user_scope
from fuqing.orgs.models import Org
from fuqing.projects import metrics, services
from fuqing.projects.access import require_edit, require_view
from fuqing.projects.filters import (
    BeneficiaryFilter,
    HouseholdFilter,
    IndicatorFilter,
    ProgressFilter,
    TargetFilter,
    VolunteerFilter,
)
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


# --- projects and indicators ---------------------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    name: str
    unit: str
    unit_label: str = Field(alias="get_unit_display")
    target: Decimal | None
    source: str
    measure: str
    help_kind: str
    profile: list[float] | None
    notes: str


class ProjectOut(Schema):
    id: int
    year: int
    name: str
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    lead_department: int | None = Field(alias="lead_department_id")
    lead_department_name: str = Field("", alias="lead_department.name")
    description: str
    help_kinds: list[str]
    indicators: list[IndicatorOut]


def _projects(user):
    return (
        Project.objects.visible_to(user)
        .select_related("org", "lead_department")
        .prefetch_related("indicators")
    )


@router.get("/projects/", response=list[ProjectOut], url_name="api-project-list")
@paginate
@scoped(Project, "list")
def list_projects(request, filters: Query[YearQuery]):
    """Projects the caller sees: her unit's, her ancestors' (they apply to her) and her subtree's."""
    require_view(request.auth)
    qs = _projects(request.auth)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(description__icontains=filters.q))
    return qs.order_by("-year", "sort", "id")


class ProjectIn(Schema):
    org: Id
    year: Year
    name: str
    lead_department: Id | None = None
    description: str = ""
    help_kinds: list[str] = []
    sort: Count = 100


@router.post("/projects/", response={201: ProjectOut}, url_name="api-project-create")
@scoped(Project, "create")
def create_project(request, payload: ProjectIn):
    """Create a project of a campaign year (PRJ-1); the campaign is the nearest one covering the unit."""
    require_edit(request.auth)
    org = ref(Org, request.auth, payload.org, "org", "单位")
    department = ref(Org, request.auth, payload.lead_department, "lead_department", "牵头部门")
    campaign = services.campaign_for_org(org, payload.year)
    if campaign is None:
        raise ValidationError({"year": f"还没有覆盖该单位的{payload.year}年活动。"})
    project = services.create_project(
        request.auth,
        org=org,
        campaign=campaign,
        lead_department=department,
        **payload.dict(include={"name", "description", "help_kinds", "sort"}),
    )
    return Status(201, _projects(request.auth).get(pk=project.pk))


@router.get("/projects/{project_id}/", response=ProjectOut, url_name="api-project-detail")
@scoped(Project, "read", kwarg="project_id")
def get_project(request, project_id: Id):
    project = get_visible_or_404(_projects(request.auth), request.auth, pk=project_id)
    require_view(request.auth)
    return project


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
        unit = ref(Org, request.auth, org_id, "org", "单位")
        if not unit.path.startswith(project_org.path):
            raise ValidationError({"org": "该单位不在项目范围内。"})
        return unit
    unit = default_unit(request.auth)
    if unit is not None and unit.path.startswith(project_org.path):
        return unit
    if user_scope(request.auth).covers(project_org.path):
        return project_org
    raise ValidationError({"org": "请用 org 参数指定项目范围内的单位。"})


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
    "/projects/{project_id}/indicators/", response={201: IndicatorOut}, url_name="api-indicator-create"
)
@scoped(Project, "change", kwarg="project_id")
def add_indicator(request, project_id: Id, payload: IndicatorIn):
    project = get_visible_or_404(Project, request.auth, pk=project_id)
    require_edit(request.auth)
    return Status(201, services.add_indicator(request.auth, project, **payload.dict()))


IndicatorQuery = query_schema(IndicatorFilter)


@router.get("/indicators/", response=list[IndicatorOut], url_name="api-indicator-list")
@paginate
@scoped(Indicator, "list")
def list_indicators(request, filters: Query[IndicatorQuery]):
    """Indicators of the caller's projects; a project outside her scope is 404 (issue 11 point 1)."""
    require_view(request.auth)
    qs = IndicatorFilter.strict(filters.dict(), request.auth).apply(
        Indicator.objects.visible_to(request.auth)
    )
    return qs.order_by("project_id", "sort", "id")


@router.get("/indicators/{indicator_id}/", response=IndicatorOut, url_name="api-indicator-detail")
@scoped(Indicator, "read", kwarg="indicator_id")
def get_indicator(request, indicator_id: Id):
    indicator = get_visible_or_404(Indicator, request.auth, pk=indicator_id)
    require_view(request.auth)
    return indicator


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
        return ref(Org, request.auth, org_id, "org", "单位")
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
        raise ValidationError({"org": "请用 org 参数指定您范围内、项目范围内的单位。"})
    return services.get_split(indicator, parent).as_dict()


class PartIn(Schema):
    org: Id
    value: Amount | None = None
    note: str = ""


class SplitIn(Schema):
    org: Id | None = None
    parts: list[PartIn] = []
    issue: bool = False


@router.put("/indicators/{indicator_id}/split/", response=SplitOut, url_name="api-split-save")
@scoped(Indicator, "change", kwarg="indicator_id")
def save_split(request, indicator_id: Id, payload: SplitIn):
    """Set the parts of a unit's target; ``issue`` requires them to add up exactly (PRJ-2)."""
    indicator = get_visible_or_404(
        Indicator.objects.select_related("project", "project__org"), request.auth, pk=indicator_id
    )
    require_edit(request.auth)
    parent = _split_parent(request, indicator, payload.org, fallback=False)
    split = services.save_split(
        request.auth,
        indicator,
        parent,
        {p.org: p.value for p in payload.parts},
        issue=payload.issue,
        notes={p.org: p.note for p in payload.parts},
    )
    return split.as_dict()


class TargetOut(Schema):
    id: int
    indicator: int = Field(alias="indicator_id")
    indicator_name: str = Field(alias="indicator.name")
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    value: Decimal
    draft: bool
    note: str


TargetQuery = query_schema(TargetFilter)


@router.get("/targets/", response=list[TargetOut], url_name="api-target-list")
@paginate
@scoped(Target, "list")
def list_targets(request, filters: Query[TargetQuery]):
    """Split targets given to units of the caller's scope (``org``: a unit and those under it)."""
    require_view(request.auth)
    qs = Target.objects.visible_to(request.auth).select_related("indicator", "org")
    qs = TargetFilter.strict(filters.dict(), request.auth).apply(qs)
    return qs.order_by("indicator_id", "org__path")


# --- progress -------------------------------------------------------------------------------------


class ProgressOut(Schema):
    id: int
    indicator: int = Field(alias="indicator_id")
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    month: str
    value: Decimal
    reason: str
    entered_by: str = Field("", alias="entered_by.display_name")
    entered_at: datetime.datetime
    current: bool = Field(alias="is_current")
    superseded_at: datetime.datetime | None

    @staticmethod
    def resolve_month(entry):
        return f"{entry.month:%Y-%m}"


ProgressQuery = query_schema(
    ProgressFilter, history=(bool, Field(False, description="连同被更正的旧值（与进度列表页相同）"))
)


@router.get("/progress/", response=list[ProgressOut], url_name="api-progress-list")
@paginate
@scoped(ProgressEntry, "list")
def list_progress(request, filters: Query[ProgressQuery]):
    """Reported monthly values (the progress list page's filters; ``org``: a unit and those under it);
    ``history=true`` adds the corrected ones, as the page shows them."""
    require_view(request.auth)
    params = filters.dict()
    history = params.pop("history")
    qs = ProgressEntry.objects.visible_to(request.auth).select_related("org", "entered_by")
    if not history and not params.get("corrections"):
        qs = qs.filter(superseded_at__isnull=True)
    qs = ProgressFilter.strict(params, request.auth).apply(qs)
    return qs.order_by("-month", "org__path", "-entered_at")


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
        raise ValidationError({"month": "month 应写成 2014-05。"}) from None


@router.post("/progress/", response={201: ReportedOut, 200: ReportedOut}, url_name="api-progress-report")
@scoped(ProgressEntry, "create")
def report_progress(request, payload: ProgressIn):
    """Report one month's value (PRJ-3). The same value again changes nothing (200); a different value
    needs ``reason`` and keeps the old entry in the history."""
    require_edit(request.auth)
    indicator = ref(
        Indicator.objects.select_related("project", "project__org"),
        request.auth,
        payload.indicator,
        "indicator",
        "指标",
    )
    org = ref(Org, request.auth, payload.org, "org", "单位")
    result = services.report_progress(
        request.auth,
        indicator=indicator,
        org=org,
        month=_parse_month(payload.month),
        value=payload.value,
        reason=payload.reason,
    )
    return Status((200 if result.unchanged else 201), result)


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
    history = services.history(entry.indicator, entry.org, entry.month).select_related("org", "entered_by")
    return {"entry": entry, "history": list(history)}


# --- beneficiaries --------------------------------------------------------------------------------


class BeneficiaryOut(Schema):
    id: uuid.UUID
    project: int = Field(alias="project_id")
    project_name: str = Field(alias="project.name")
    help_kind: str
    woman: uuid.UUID = Field(alias="woman_id")
    woman_name: MaskedName = Field(alias="woman.masked_name")
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    received_on: datetime.date
    amount: Decimal | None
    notes: str


BeneficiaryQuery = query_schema(BeneficiaryFilter)


def _beneficiaries(user):
    return Beneficiary.objects.visible_to(user).select_related("project", "woman", "org")


@router.get("/beneficiaries/", response=list[BeneficiaryOut], url_name="api-beneficiary-list")
@paginate
@scoped(Beneficiary, "list")
def list_beneficiaries(request, filters: Query[BeneficiaryQuery], woman: uuid.UUID | None = None):
    """Beneficiaries in the caller's scope, the list page's filters (a woman by her id, never her name
    in a URL); names masked (REG-3)."""
    require_view(request.auth)
    qs = BeneficiaryFilter.strict(filters.dict(), request.auth).apply(
        _beneficiaries(request.auth), names=False
    )
    if woman:
        qs = qs.filter(woman=ref(Woman, request.auth, woman, "woman", "妇女"))
    return qs.order_by("-received_on", "-created_at")


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


@router.post("/beneficiaries/", response={201: BeneficiaryOut}, url_name="api-beneficiary-create")
@scoped(Beneficiary, "create")
def create_beneficiary(request, payload: BeneficiaryIn):
    """Record a woman's help (PRJ-4); the same help twice (woman, project, kind, day) is refused (422)."""
    require_edit(request.auth)
    record = services.record_beneficiary(
        request.auth,
        project=ref(Project, request.auth, payload.project, "project", "项目"),
        woman=ref(Woman.objects.select_related("org"), request.auth, payload.woman, "woman", "妇女"),
        org=ref(Org, request.auth, payload.org, "org", "单位"),
        amount_yuan=payload.amount,
        **payload.dict(include={"received_on", "help_kind", "notes", "consent_exception"}),
    )
    return Status(201, _beneficiaries(request.auth).get(pk=record.pk))


@router.get("/beneficiaries/{beneficiary_id}/", response=BeneficiaryOut, url_name="api-beneficiary-detail")
@scoped(Beneficiary, "read", kwarg="beneficiary_id")
def get_beneficiary(request, beneficiary_id: uuid.UUID):
    record = get_visible_or_404(_beneficiaries(request.auth), request.auth, pk=beneficiary_id)
    require_view(request.auth)
    return record


class RemoveIn(Schema):
    reason: str = ""


@router.delete("/beneficiaries/{beneficiary_id}/", response={204: None}, url_name="api-beneficiary-delete")
@scoped(Beneficiary, "delete", kwarg="beneficiary_id")
def delete_beneficiary(request, beneficiary_id: uuid.UUID, payload: RemoveIn):
    """Remove a record entered by mistake; ``reason`` is required and goes to the audit log."""
    record = get_visible_or_404(Beneficiary, request.auth, pk=beneficiary_id)
    require_edit(request.auth)
    services.remove_beneficiary(request.auth, record, payload.reason)
    return Status(204, None)


# --- volunteers, households, pairs ---------------------------------------------------------------


class VolunteerOut(Schema):
    id: uuid.UUID
    name: str
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    phone: MaskedPhone = Field(alias="masked_phone")
    has_account: bool
    is_active: bool

    @staticmethod
    def resolve_has_account(v):
        return v.user_id is not None


VolunteerQuery = query_schema(VolunteerFilter)


@router.get("/volunteers/", response=list[VolunteerOut], url_name="api-volunteer-list")
@paginate
@scoped(Volunteer, "list")
def list_volunteers(request, filters: Query[VolunteerQuery]):
    """Volunteers of the caller's scope, the volunteer list page's filters."""
    require_view(request.auth)
    qs = Volunteer.objects.visible_to(request.auth).select_related("org")
    return VolunteerFilter.strict(filters.dict(), request.auth).apply(qs).order_by("org__path", "name")


@router.get("/volunteers/{volunteer_id}/", response=VolunteerOut, url_name="api-volunteer-detail")
@scoped(Volunteer, "read", kwarg="volunteer_id")
def get_volunteer(request, volunteer_id: uuid.UUID):
    volunteer = get_visible_or_404(Volunteer.objects.select_related("org"), request.auth, pk=volunteer_id)
    require_view(request.auth)
    return volunteer


class ElderOut(Schema):
    name: MaskedName = Field(alias="masked_name")
    sex: str
    birth_year: int | None
    woman: uuid.UUID | None = Field(alias="woman_id")


class HouseholdOut(Schema):
    id: uuid.UUID
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    address: str
    phone: MaskedPhone = Field(alias="masked_phone")
    notes: str
    elders: list[ElderOut]


def _households(user):
    return Household.objects.visible_to(user).select_related("org").prefetch_related("elders")


HouseholdQuery = query_schema(HouseholdFilter)


@router.get("/households/", response=list[HouseholdOut], url_name="api-household-list")
@paginate
@scoped(Household, "list")
def list_households(request, filters: Query[HouseholdQuery]):
    """Households of the caller's scope, the household list page's filters."""
    require_view(request.auth)
    qs = HouseholdFilter.strict(filters.dict(), request.auth).apply(_households(request.auth))
    return qs.order_by("org__path", "address")


@router.get("/households/{household_id}/", response=HouseholdOut, url_name="api-household-detail")
@scoped(Household, "read", kwarg="household_id")
def get_household(request, household_id: uuid.UUID):
    """A household; a volunteer gets only a household she is paired with (her scope holds no other)."""
    household = get_visible_or_404(_households(request.auth), request.auth, pk=household_id)
    require(request.auth, "projects", "view")
    return household


class PairOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    project_name: str = Field(alias="project.name")
    volunteer: uuid.UUID = Field(alias="volunteer_id")
    volunteer_name: str = Field(alias="volunteer.name")
    household: uuid.UUID = Field(alias="household_id")
    household_address: str = Field(alias="household.address")
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    started_on: datetime.date
    ended_on: datetime.date | None
    notes: str


def _pairs(qs):
    return qs.select_related("project", "volunteer", "household", "org")


@router.get("/volunteer-pairs/", response=list[PairOut], url_name="api-pair-list")
@paginate
@scoped(VolunteerPair, "list")
def list_pairs(request, filters: Query[YearQuery]):
    require_view(request.auth)
    qs = _pairs(VolunteerPair.objects.visible_to(request.auth))
    if filters.year:
        qs = qs.filter(year=filters.year)
    if q := filters.q:
        qs = qs.filter(
            Q(notes__icontains=q) | Q(volunteer__name__icontains=q) | Q(household__address__icontains=q)
        )
    return qs.order_by("-started_on", "-id")


class PairIn(Schema):
    project: Id
    volunteer: uuid.UUID
    household: uuid.UUID
    started_on: Day
    notes: str = ""


@router.post("/volunteer-pairs/", response={201: PairOut}, url_name="api-pair-create")
@scoped(VolunteerPair, "create")
def create_pair(request, payload: PairIn):
    """Pair a volunteer with a household of her area (PRJ-5); counts toward both indicators."""
    require_edit(request.auth)
    created = services.pair(
        request.auth,
        project=ref(Project, request.auth, payload.project, "project", "项目"),
        volunteer=ref(
            Volunteer.objects.select_related("org"), request.auth, payload.volunteer, "volunteer", "志愿者"
        ),
        household=ref(
            Household.objects.select_related("org"), request.auth, payload.household, "household", "家庭"
        ),
        started_on=payload.started_on,
        notes=payload.notes,
    )
    return Status(201, _pairs(VolunteerPair.objects).get(pk=created.pk))


@router.get("/volunteer-pairs/{pair_id}/", response=PairOut, url_name="api-pair-detail")
@scoped(VolunteerPair, "read", kwarg="pair_id")
def get_pair(request, pair_id: Id):
    pair = get_visible_or_404(_pairs(VolunteerPair.objects), request.auth, pk=pair_id)
    require_view(request.auth)
    return pair


@router.get("/my/households/", response=list[PairOut], url_name="api-my-households")
@paginate
@scoped(VolunteerPair, "list")
def my_households(request, filters: Query[YearQuery]):
    """The caller's own pairs as a volunteer (her households), and nothing else."""
    require(request.auth, "projects", "view")
    qs = _pairs(VolunteerPair.objects.visible_to(request.auth).of_volunteer_user(request.auth))
    if filters.q:
        qs = qs.filter(Q(notes__icontains=filters.q) | Q(household__address__icontains=filters.q))
    return qs.order_by("ended_on", "-started_on")
