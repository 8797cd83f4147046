"""Organisation building in the API (PLT-3; BLD-1 … BLD-6): Women's Homes and their activities, women's
groups and their members, teams and term elections, training sessions and attendance, the handbook
library, conditions of women's work, and the coverage of a unit's children.

Written on the API kit (``fuqing.api.kit``): the same scoping and services as the pages; lists start at
``visible_to`` and are paged by the kit, objects come through ``get_visible_or_404`` and ids in bodies
or query strings through ``ref``/``refs`` (404 outside the caller's scope), writes go through
``fuqing.building.services`` and their refusals reach the one handler set. Registry women appear masked.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from fuqing.api.kit import MaskedName, MaskedPhone, YearQuery, paginate, ref, refs
from fuqing.api.types import Count as CountT
from fuqing.api.types import Day, Id, Money, Year, require_fields
from fuqing.building import coverage, services
from fuqing.building.models import (
    Attendance,
    Election,
    Handbook,
    HandbookVersion,
    HomeSetting,
    TrainingSession,
    WomensGroup,
    WomensHome,
    WorkCondition,
)
from fuqing.building.units import children_of, default_unit
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404, subtree_q
from fuqing.orgs.models import Org
from fuqing.registry.models import Woman

router = Router(tags=["building"])


def _view(user):
    require(user, "building", "view")


def _edit(user):
    require(user, "building", "edit")


class UnitQuery(Schema):
    """Words and a unit whose subtree the list keeps (the unit through the scope door)."""

    q: str | None = Field(None, max_length=50, description="关键词")
    org: Id | None = None


def _in_unit(qs, user, org: int | None, path_field="org__path"):
    unit = ref(Org, user, org, "org", "单位")
    return qs.filter(subtree_q(unit.path, path_field)) if unit else qs


# --- Women's Homes --------------------------------------------------------------------------------


class HomeOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    name: str
    address: str
    setting: str = Field(alias="setting.code")
    setting_name: str = Field(alias="setting.name")
    founded_on: Day | None
    standard: str
    demo_level: str
    functions: list[str]
    keeper: str
    keeper_phone: MaskedPhone = Field(alias="keeper_phone_masked")
    hours: str
    is_active: bool


@router.get("/building/homes/", response=list[HomeOut], url_name="api-building-home-list")
@paginate
@scoped(WomensHome, "list")
def list_homes(request, filters: Query[UnitQuery], setting: str | None = None, demo: bool | None = None):
    _view(request.auth)
    qs = WomensHome.objects.visible_to(request.auth).select_related("org", "setting")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(address__icontains=filters.q))
    if setting:
        qs = qs.filter(setting__code=setting[:40])
    if demo is not None:
        qs = qs.exclude(demo_level="none") if demo else qs.filter(demo_level="none")
    return _in_unit(qs.order_by("org__path", "name"), request.auth, filters.org)


@router.get("/building/homes/{home_id}/", response=HomeOut, url_name="api-building-home")
@scoped(WomensHome, "read", kwarg="home_id")
def get_home(request, home_id: Id):
    home = get_visible_or_404(WomensHome.objects.select_related("org", "setting"), request.auth, pk=home_id)
    _view(request.auth)
    return home


class HomeIn(Schema):
    org: Id
    name: str = Field(max_length=100)
    address: str = Field(max_length=200)
    setting: str = Field(max_length=40, description="设置领域代码或名称：village、community、enterprise …")
    founded_on: Day | None = None
    standard: str = Field("", max_length=100)
    demo_level: str = "none"
    functions: list[str] = []
    keeper: str = Field("", max_length=50)
    keeper_phone: str = Field("", max_length=20)
    hours: str = Field("", max_length=100)


@router.post("/building/homes/", response={201: HomeOut}, url_name="api-building-home-create")
@scoped(WomensHome, "create")
def create_home(request, payload: HomeIn):
    """Register a Women's Home (BLD-1)."""
    _edit(request.auth)
    org = ref(Org, request.auth, payload.org, "org", "单位", edit=True)
    data = payload.dict(exclude={"org"})
    data["setting"] = services.homes.home_setting(payload.setting)
    return Status(201, services.create_home(request.auth, org, **data))


class ActivityIn(Schema):
    held_on: Day | None = None
    theme: str = Field("", max_length=200)
    attendance: CountT = 0


class ActivityOut(Schema):
    id: int
    held_on: Day
    year: int
    theme: str
    attendance: int


@router.post(
    "/building/homes/{home_id}/activities/",
    response={201: ActivityOut},
    url_name="api-building-home-activity",
)
@scoped(WomensHome, "change", kwarg="home_id")
def add_home_activity(request, home_id: Id, payload: ActivityIn):
    home = get_visible_or_404(WomensHome, request.auth, edit=True, pk=home_id)
    _edit(request.auth)
    return Status(201, services.add_activity(request.auth, home, **payload.dict()))


class SettingOut(Schema):
    code: str
    name: str
    is_place: bool


@router.get("/building/settings/", response=list[SettingOut], url_name="api-building-settings")
@scoped(WomensHome, "page")
def list_settings(request):
    """The settings dictionary of Women's Homes (platform-wide)."""
    _view(request.auth)
    return HomeSetting.objects.filter(is_active=True)


# --- women's groups -------------------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    name: str
    kind: str
    place: str
    founded_on: Day | None
    leader: MaskedName = Field(description="组长（脱敏）")
    members: list[MaskedName] = Field(description="成员（脱敏）")

    @staticmethod
    def resolve_leader(group) -> str:
        return group.leader.masked_name if group.leader_id else ""

    @staticmethod
    def resolve_members(group) -> list[str]:
        return [m.woman.masked_name for m in group.members.all()]


@router.get("/building/groups/", response=list[GroupOut], url_name="api-building-group-list")
@paginate
@scoped(WomensGroup, "list")
def list_groups(request, filters: Query[UnitQuery], kind: str | None = None):
    _view(request.auth)
    qs = WomensGroup.objects.visible_to(request.auth).select_related("org", "leader")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(place__icontains=filters.q))
    if kind:
        qs = qs.filter(kind=kind[:20])
    qs = qs.prefetch_related("members__woman").order_by("org__path", "name")
    return _in_unit(qs, request.auth, filters.org)


class GroupIn(Schema):
    org: Id
    name: str = Field(max_length=100)
    kind: str = Field(max_length=20)
    place: str = Field("", max_length=100)
    founded_on: Day | None = None
    leader: str | None = Field(None, max_length=40, description="组长在妇女档案中的编号（UUID）")


def _group(pk: int) -> WomensGroup:
    return WomensGroup.objects.select_related("org", "leader").prefetch_related("members__woman").get(pk=pk)


@router.post("/building/groups/", response={201: GroupOut}, url_name="api-building-group-create")
@scoped(WomensGroup, "create", fk_fields={"leader": Woman})
def create_group(request, payload: GroupIn):
    """A women's group or flexible organisation (BLD-2, BLD-5)."""
    _edit(request.auth)
    org = ref(Org, request.auth, payload.org, "org", "单位", edit=True)
    group = services.create_group(
        request.auth,
        org,
        name=payload.name,
        kind=payload.kind,
        place=payload.place,
        founded_on=payload.founded_on,
        leader=ref(Woman, request.auth, payload.leader, "leader", "组长"),
    )
    return Status(201, _group(group.pk))


class MembersIn(Schema):
    women: list[str] = Field([], max_length=500, description="妇女档案编号（UUID）")


@router.post("/building/groups/{group_id}/members/", response=GroupOut, url_name="api-building-group-members")
@scoped(WomensGroup, "change", kwarg="group_id", fk_fields={"women": Woman})
def add_group_members(request, group_id: Id, payload: MembersIn):
    group = get_visible_or_404(
        WomensGroup.objects.select_related("org"), request.auth, edit=True, pk=group_id
    )
    _edit(request.auth)
    services.add_members(request.auth, group, refs(Woman, request.auth, payload.women, "women", "成员"))
    return _group(group.pk)


# --- teams and elections --------------------------------------------------------------------------


class MemberOut(Schema):
    role: str
    name: str


class ElectionOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    held_on: Day
    term_years: int
    next_due: Day
    is_current: bool
    overdue: bool
    gaps: list[str]
    members: list[MemberOut]

    @staticmethod
    def resolve_overdue(election) -> bool:
        return election.is_current and election.next_due < timezone.localdate()

    @staticmethod
    def resolve_gaps(election) -> list[str]:
        if not election.is_current:
            return []
        return services.team_gaps(election.org, [m.role for m in election.members.all()])


@router.get("/building/elections/", response=list[ElectionOut], url_name="api-building-election-list")
@paginate
@scoped(Election, "list")
def list_elections(request, filters: Query[UnitQuery], current: bool = True):
    """Term elections with their teams; ``current=true`` (default) lists each unit's current team."""
    _view(request.auth)
    qs = Election.objects.visible_to(request.auth).select_related("org").prefetch_related("members")
    if current:
        qs = qs.filter(is_current=True)
    if filters.q:
        qs = qs.filter(Q(org__name__icontains=filters.q) | Q(note__icontains=filters.q))
    return _in_unit(qs.order_by("org__path", "-held_on"), request.auth, filters.org)


class MemberIn(Schema):
    role: str = Field(max_length=12)
    name: str = Field(max_length=50)


class ElectionIn(Schema):
    held_on: Day
    term_years: int | None = Field(None, ge=1, le=10)
    members: list[MemberIn] = Field(max_length=50)
    note: str = Field("", max_length=200)


@router.post(
    "/building/units/{org_id}/elections/",
    response={201: ElectionOut},
    url_name="api-building-election-create",
)
@scoped(Election, "create", lookup="org_id", kwarg="org_id")
def record_election(request, org_id: Id, payload: ElectionIn):
    """Record a term election: its team replaces the current one, which stays in history (BLD-3)."""
    org = get_visible_or_404(Org, request.auth, edit=True, pk=org_id)
    _edit(request.auth)
    election = services.record_election(
        request.auth,
        org,
        held_on=payload.held_on,
        term=payload.term_years,
        members=[m.dict() for m in payload.members],
        note=payload.note,
    )
    return Status(201, Election.objects.select_related("org").prefetch_related("members").get(pk=election.pk))


# --- training -------------------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    year: int
    held_on: Day
    place: str
    level: str
    topic: str
    hours: Decimal
    trainer: str


@router.get("/building/trainings/", response=list[SessionOut], url_name="api-building-session-list")
@paginate
@scoped(TrainingSession, "list")
def list_sessions(request, filters: Query[YearQuery]):
    _view(request.auth)
    qs = TrainingSession.objects.visible_to(request.auth).select_related("org")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(Q(topic__icontains=filters.q) | Q(place__icontains=filters.q))
    return qs.order_by("-held_on", "-id")


class SessionIn(Schema):
    org: Id
    held_on: Day
    place: str = Field(max_length=100)
    level: str = Field(max_length=10)
    topic: str = Field(max_length=200)
    hours: Decimal = Field(ge=Decimal("0.5"), le=200, max_digits=6, decimal_places=1)
    trainer: str = Field("", max_length=100)


@router.post("/building/trainings/", response={201: SessionOut}, url_name="api-building-session-create")
@scoped(TrainingSession, "create")
def create_session(request, payload: SessionIn):
    """Plan a training session for one of the three levels (BLD-4)."""
    _edit(request.auth)
    org = ref(Org, request.auth, payload.org, "org", "单位", edit=True)
    return Status(201, services.create_session(request.auth, org, **payload.dict(exclude={"org"})))


class AttendanceOut(Schema):
    id: int
    session: int = Field(alias="session_id")
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    name: str
    position: str
    hours: Decimal


@router.get("/building/attendance/", response=list[AttendanceOut], url_name="api-building-attendance-list")
@paginate
@scoped(Attendance, "list")
def list_attendance(request, filters: Query[UnitQuery], session: Id | None = None, year: Year | None = None):
    """Attendance by person (BLD-4): the caller's subtree's cadres."""
    _view(request.auth)
    qs = Attendance.objects.visible_to(request.auth).select_related("org")
    if session:
        qs = qs.filter(session_id=session)
    if year:
        qs = qs.filter(session__year=year)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(org__name__icontains=filters.q))
    return _in_unit(qs.order_by("session_id", "org__path", "name"), request.auth, filters.org)


class AttendanceIn(Schema):
    org: Id | None = None  # required, but checked after the session's scope door (require_fields)
    name: str = Field("", max_length=50)
    position: str = Field("", max_length=50)
    hours: Decimal | None = Field(None, ge=Decimal("0.5"), le=200, max_digits=6, decimal_places=1)


@router.post(
    "/building/trainings/{session_id}/attendance/",
    response={201: AttendanceOut},
    url_name="api-building-attendance-create",
)
@scoped(TrainingSession, "change", kwarg="session_id", fk_fields={"org": Org})
def add_attendance(request, session_id: Id, payload: AttendanceIn):
    """The organiser records one person's attendance (BLD-4)."""
    session = get_visible_or_404(
        TrainingSession.objects.select_related("org"), request.auth, edit=True, pk=session_id
    )
    _edit(request.auth)
    require_fields(payload, "org")
    org = ref(Org, request.auth, payload.org, "org", "所在单位", edit=True)
    row = services.add_attendance(
        request.auth, session, org=org, name=payload.name, position=payload.position, hours=payload.hours
    )
    return Status(201, row)


# --- handbooks and conditions ---------------------------------------------------------------------


class VersionOut(Schema):
    id: int
    number: int
    changes: str
    file_name: str
    downloads: int = Field(alias="n")


class HandbookOut(Schema):
    id: int
    org_name: str = Field(alias="org.name")
    title: str
    levels: list[str]
    description: str
    versions: list[VersionOut] = Field(alias="version_rows")


@router.get("/building/handbooks/", response=list[HandbookOut], url_name="api-building-handbook-list")
@scoped(Handbook, "list")
def list_handbooks(request, filters: Query[UnitQuery]):
    """The library with every version (current first) and its downloads (at most 500 handbooks)."""
    _view(request.auth)
    qs = Handbook.objects.visible_to(request.auth).select_related("org")
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    handbooks = list(_in_unit(qs, request.auth, filters.org).order_by("title")[:500])
    versions: dict[int, list] = {}
    for v in (
        HandbookVersion.objects.filter(handbook__in=handbooks)
        .annotate(n=Count("downloads"))
        .order_by("handbook_id", "-number")
    ):
        versions.setdefault(v.handbook_id, []).append(v)
    for h in handbooks:
        h.version_rows = versions.get(h.pk, [])
    return handbooks


class ConditionOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    year: int
    funding: Decimal
    funding_in_budget: bool
    venue: str
    venue_area: int
    full_time_staff: int
    part_time_staff: int
    note: str
    gaps: list[str]

    @staticmethod
    def resolve_gaps(condition) -> list[str]:
        return condition.gaps()


class ConditionQuery(UnitQuery):
    year: Year | None = None


@router.get("/building/conditions/", response=list[ConditionOut], url_name="api-building-condition-list")
@paginate
@scoped(WorkCondition, "list")
def list_conditions(request, filters: Query[ConditionQuery]):
    _view(request.auth)
    qs = WorkCondition.objects.visible_to(request.auth).select_related("org")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        qs = qs.filter(
            Q(org__name__icontains=filters.q) | Q(note__icontains=filters.q) | Q(venue__icontains=filters.q)
        )
    return _in_unit(qs.order_by("-year", "org__path"), request.auth, filters.org)


class ConditionIn(Schema):
    org: Id
    year: Year
    funding: Money = Decimal(0)
    funding_in_budget: bool = False
    venue: str = Field("", max_length=200)
    venue_area: CountT = 0
    full_time_staff: CountT = 0
    part_time_staff: CountT = 0
    note: str = Field("", max_length=200)


@router.post("/building/conditions/", response={201: ConditionOut}, url_name="api-building-condition-save")
@scoped(WorkCondition, "create")
def save_condition(request, payload: ConditionIn):
    """A unit's conditions for a year (BLD-6); saving again replaces the year's row."""
    _edit(request.auth)
    org = ref(Org, request.auth, payload.org, "org", "单位", edit=True)
    return Status(201, services.save_condition(request.auth, org, **payload.dict(exclude={"org"})))


# --- coverage -------------------------------------------------------------------------------------


class CoverageRow(Schema):
    org: int
    org_name: str
    communities: int
    communities_with_home: int
    sector_homes: int
    demo_sites: int
    idle_homes: int
    communities_with_group: int
    flexible_groups: int
    units: int
    teams_complete: int
    elections_overdue: int
    units_to_train: int
    trained_units: int
    trained_cadres: int


class CoverageOut(Schema):
    year: int
    as_of: Day
    total: CoverageRow
    children: list[CoverageRow]


def _row(org, totals) -> dict:
    """One unit's coverage: the unit named, its totals as ``coverage`` counted them."""
    counted = {k: getattr(totals, k) for k in CoverageRow.model_fields if k not in ("org", "org_name")}
    return {"org": org.pk, "org_name": org.name, **counted}


@router.get("/building/coverage/", response=CoverageOut, url_name="api-building-coverage")
@scoped(Org, "page")
def building_coverage(request, year: Year, org: Id | None = None):
    """Coverage over a unit and each of its children (BLD-1 … BLD-5), for dashboards."""
    _view(request.auth)
    unit = ref(Org, request.auth, org, "org", "单位") if org else default_unit(request.auth)
    if unit is None:
        raise Http404
    on = coverage.as_of_for(year, timezone.localdate())
    rows = coverage.by_children(unit, children_of(unit, request.auth), year, on)
    return {
        "year": year,
        "as_of": on,
        "total": _row(unit, coverage.total(unit, year, on)),
        "children": [_row(o, t) for o, t in rows],
    }
