"""Organisation building in the API (PLT-3; BLD-1 … BLD-6): Women's Homes and their activities, women's
groups and their members, teams and term elections, training sessions and attendance, the handbook
library, conditions of women's work, and the coverage of a unit's children.

The same scoping and services as the pages: lists start at ``visible_to``, objects come through
``get_visible_or_404`` (404 outside the caller's scope), writes go through ``fuqing.building.services``.
Registry women appear masked.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fuqing.api.types import Count as CountT
from fuqing.api.types import Day, Id, Limit, Money, Offset, Year
from fuqing.building import coverage, services
from fuqing.building.models import (
    Attendance,
    Election,
    Handbook,
    HomeSetting,
    TrainingSession,
    WomensGroup,
    WomensHome,
    WorkCondition,
)
from fuqing.building.units import children_of, default_unit
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404, resolve_input, resolve_inputs, subtree_q
from fuqing.orgs.models import Org
from fuqing.registry.models import Woman

router = Router(tags=["building"])


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def invalid(exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(422, {"detail": "；".join(exc.messages), "errors": errors})


def _view(user):
    require(user, "building", "view")


def _edit(user):
    require(user, "building", "edit")


class Page(Schema):
    limit: Limit = 100
    offset: Offset = 0
    q: str | None = None
    org: Id | None = None


def _page(qs, page: Page, user, path_field="org__path") -> tuple[int, list]:
    if page.org:
        unit = get_visible_or_404(Org, user, pk=page.org)
        qs = qs.filter(subtree_q(unit.path, path_field))
    return qs.count(), list(qs[page.offset : page.offset + page.limit])


# --- Women's Homes --------------------------------------------------------------------------------


class HomeOut(Schema):
    id: int
    org: int
    org_name: str
    name: str
    address: str
    setting: str
    setting_name: str
    founded_on: Day | None
    standard: str
    demo_level: str
    functions: list[str]
    keeper: str
    keeper_phone: str = Field(description="脱敏")
    hours: str
    is_active: bool


def home_out(h: WomensHome) -> dict:
    return {
        "id": h.pk,
        "org": h.org_id,
        "org_name": h.org.name,
        "name": h.name,
        "address": h.address,
        "setting": h.setting.code,
        "setting_name": h.setting.name,
        "founded_on": h.founded_on,
        "standard": h.standard,
        "demo_level": h.demo_level,
        "functions": h.functions,
        "keeper": h.keeper,
        "keeper_phone": h.keeper_phone_masked,
        "hours": h.hours,
        "is_active": h.is_active,
    }


class HomePage(Schema):
    count: int
    items: list[HomeOut]


@router.get("/building/homes/", response=HomePage, url_name="api-building-home-list")
@scoped(WomensHome, "list")
def list_homes(request, page: Query[Page], setting: str | None = None, demo: bool | None = None):
    _view(request.auth)
    qs = WomensHome.objects.visible_to(request.auth).select_related("org", "setting")
    if page.q:
        qs = qs.filter(Q(name__icontains=page.q[:50]) | Q(address__icontains=page.q[:50]))
    if setting:
        qs = qs.filter(setting__code=setting[:40])
    if demo is not None:
        qs = qs.exclude(demo_level="none") if demo else qs.filter(demo_level="none")
    count, items = _page(qs.order_by("org__path", "name"), page, request.auth)
    return {"count": count, "items": [home_out(h) for h in items]}


@router.get("/building/homes/{home_id}/", response=HomeOut, url_name="api-building-home")
@scoped(WomensHome, "read", kwarg="home_id")
def get_home(request, home_id: Id):
    home = get_visible_or_404(WomensHome.objects.select_related("org", "setting"), request.auth, pk=home_id)
    _view(request.auth)
    return home_out(home)


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


@router.post("/building/homes/", response={201: HomeOut, 422: ErrorOut}, url_name="api-building-home-create")
@scoped(WomensHome, "create")
def create_home(request, payload: HomeIn):
    """Register a Women's Home (BLD-1)."""
    _edit(request.auth)
    org = get_visible_or_404(Org, request.auth, edit=True, pk=payload.org)
    data = payload.dict(exclude={"org"})
    data["setting"] = services.homes.home_setting(payload.setting)
    try:
        home = services.create_home(request.auth, org, **data)
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, home_out(home))


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
    response={201: ActivityOut, 422: ErrorOut},
    url_name="api-building-home-activity",
)
@scoped(WomensHome, "change", kwarg="home_id")
def add_home_activity(request, home_id: Id, payload: ActivityIn):
    home = get_visible_or_404(WomensHome, request.auth, edit=True, pk=home_id)
    _edit(request.auth)
    try:
        a = services.add_activity(request.auth, home, **payload.dict())
    except ValidationError as exc:
        return invalid(exc)
    return Status(
        201, {"id": a.pk, "held_on": a.held_on, "year": a.year, "theme": a.theme, "attendance": a.attendance}
    )


class SettingOut(Schema):
    code: str
    name: str
    is_place: bool


@router.get("/building/settings/", response=list[SettingOut], url_name="api-building-settings")
@scoped(WomensHome, "page")
def list_settings(request):
    """The settings dictionary of Women's Homes (platform-wide)."""
    _view(request.auth)
    return [
        {"code": s.code, "name": s.name, "is_place": s.is_place}
        for s in HomeSetting.objects.filter(is_active=True)
    ]


# --- women's groups -------------------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    org: int
    org_name: str
    name: str
    kind: str
    place: str
    founded_on: Day | None
    leader: str = Field(description="组长（脱敏）")
    members: list[str] = Field(description="成员（脱敏）")


def group_out(g: WomensGroup) -> dict:
    return {
        "id": g.pk,
        "org": g.org_id,
        "org_name": g.org.name,
        "name": g.name,
        "kind": g.kind,
        "place": g.place,
        "founded_on": g.founded_on,
        "leader": g.leader.masked_name if g.leader_id else "",
        "members": [m.woman.masked_name for m in g.members.all()],
    }


class GroupPage(Schema):
    count: int
    items: list[GroupOut]


@router.get("/building/groups/", response=GroupPage, url_name="api-building-group-list")
@scoped(WomensGroup, "list")
def list_groups(request, page: Query[Page], kind: str | None = None):
    _view(request.auth)
    qs = WomensGroup.objects.visible_to(request.auth).select_related("org", "leader")
    if page.q:
        qs = qs.filter(Q(name__icontains=page.q[:50]) | Q(place__icontains=page.q[:50]))
    if kind:
        qs = qs.filter(kind=kind[:20])
    qs = qs.prefetch_related("members__woman").order_by("org__path", "name")
    count, items = _page(qs, page, request.auth)
    return {"count": count, "items": [group_out(g) for g in items]}


class GroupIn(Schema):
    org: Id
    name: str = Field(max_length=100)
    kind: str = Field(max_length=20)
    place: str = Field("", max_length=100)
    founded_on: Day | None = None
    leader: str | None = Field(None, max_length=40, description="组长在妇女档案中的编号（UUID）")


@router.post(
    "/building/groups/",
    response={201: GroupOut, 404: ErrorOut, 422: ErrorOut},
    url_name="api-building-group-create",
)
@scoped(WomensGroup, "create", fk_fields={"leader": Woman})
def create_group(request, payload: GroupIn):
    """A women's group or flexible organisation (BLD-2, BLD-5)."""
    _edit(request.auth)
    org = get_visible_or_404(Org, request.auth, edit=True, pk=payload.org)
    leader = None
    if payload.leader:
        found = resolve_inputs(Woman, request.auth, [payload.leader])
        if not found:
            return Status(
                422,
                {
                    "detail": "组长：所选项不存在或不在您的范围内。",
                    "errors": {"leader": ["所选项不存在或不在您的范围内。"]},
                },
            )
        leader = found[0]
    try:
        group = services.create_group(
            request.auth,
            org,
            name=payload.name,
            kind=payload.kind,
            place=payload.place,
            founded_on=payload.founded_on,
            leader=leader,
        )
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, group_out(WomensGroup.objects.select_related("org", "leader").get(pk=group.pk)))


class MembersIn(Schema):
    women: list[str] = Field([], max_length=500, description="妇女档案编号（UUID）")


@router.post(
    "/building/groups/{group_id}/members/",
    response={200: GroupOut, 422: ErrorOut},
    url_name="api-building-group-members",
)
@scoped(WomensGroup, "change", kwarg="group_id", fk_fields={"women": Woman})
def add_group_members(request, group_id: Id, payload: MembersIn):
    group = get_visible_or_404(
        WomensGroup.objects.select_related("org"), request.auth, edit=True, pk=group_id
    )
    _edit(request.auth)
    women = resolve_inputs(Woman, request.auth, payload.women)
    if len(women) != len(set(payload.women)):
        return Status(
            422,
            {
                "detail": "成员：所选项不存在或不在您的范围内。",
                "errors": {"women": ["所选项不存在或不在您的范围内。"]},
            },
        )
    try:
        services.add_members(request.auth, group, women)
    except ValidationError as exc:
        return invalid(exc)
    return group_out(
        WomensGroup.objects.select_related("org", "leader")
        .prefetch_related("members__woman")
        .get(pk=group.pk)
    )


# --- teams and elections --------------------------------------------------------------------------


class MemberOut(Schema):
    role: str
    name: str


class ElectionOut(Schema):
    id: int
    org: int
    org_name: str
    held_on: Day
    term_years: int
    next_due: Day
    is_current: bool
    overdue: bool
    gaps: list[str]
    members: list[MemberOut]


def election_out(e: Election, today) -> dict:
    members = list(e.members.all())
    return {
        "id": e.pk,
        "org": e.org_id,
        "org_name": e.org.name,
        "held_on": e.held_on,
        "term_years": e.term_years,
        "next_due": e.next_due,
        "is_current": e.is_current,
        "overdue": e.is_current and e.next_due < today,
        "gaps": services.team_gaps(e.org, [m.role for m in members]) if e.is_current else [],
        "members": [{"role": m.role, "name": m.name} for m in members],
    }


class ElectionPage(Schema):
    count: int
    items: list[ElectionOut]


@router.get("/building/elections/", response=ElectionPage, url_name="api-building-election-list")
@scoped(Election, "list")
def list_elections(request, page: Query[Page], current: bool = True):
    """Term elections with their teams; ``current=true`` (default) lists each unit's current team."""
    _view(request.auth)
    qs = Election.objects.visible_to(request.auth).select_related("org").prefetch_related("members")
    if current:
        qs = qs.filter(is_current=True)
    if page.q:
        qs = qs.filter(Q(org__name__icontains=page.q[:50]) | Q(note__icontains=page.q[:50]))
    count, items = _page(qs.order_by("org__path", "-held_on"), page, request.auth)
    today = timezone.localdate()
    return {"count": count, "items": [election_out(e, today) for e in items]}


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
    response={201: ElectionOut, 422: ErrorOut},
    url_name="api-building-election-create",
)
@scoped(Election, "create", lookup="org_id", kwarg="org_id")
def record_election(request, org_id: Id, payload: ElectionIn):
    """Record a term election: its team replaces the current one, which stays in history (BLD-3)."""
    org = get_visible_or_404(Org, request.auth, edit=True, pk=org_id)
    _edit(request.auth)
    try:
        election = services.record_election(
            request.auth,
            org,
            held_on=payload.held_on,
            term=payload.term_years,
            members=[m.dict() for m in payload.members],
            note=payload.note,
        )
    except ValidationError as exc:
        return invalid(exc)
    election = Election.objects.select_related("org").prefetch_related("members").get(pk=election.pk)
    return Status(201, election_out(election, timezone.localdate()))


# --- training -------------------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    org: int
    org_name: str
    year: int
    held_on: Day
    place: str
    level: str
    topic: str
    hours: Decimal
    trainer: str


def session_out(s: TrainingSession) -> dict:
    return {
        "id": s.pk,
        "org": s.org_id,
        "org_name": s.org.name,
        "year": s.year,
        "held_on": s.held_on,
        "place": s.place,
        "level": s.level,
        "topic": s.topic,
        "hours": s.hours,
        "trainer": s.trainer,
    }


class SessionPage(Schema):
    count: int
    items: list[SessionOut]


@router.get("/building/trainings/", response=SessionPage, url_name="api-building-session-list")
@scoped(TrainingSession, "list")
def list_sessions(
    request, limit: Limit = 100, offset: Offset = 0, year: Year | None = None, q: str | None = None
):
    _view(request.auth)
    qs = TrainingSession.objects.visible_to(request.auth).select_related("org")
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(topic__icontains=q[:50]) | Q(place__icontains=q[:50]))
    qs = qs.order_by("-held_on", "-id")
    return {"count": qs.count(), "items": [session_out(s) for s in qs[offset : offset + limit]]}


class SessionIn(Schema):
    org: Id
    held_on: Day
    place: str = Field(max_length=100)
    level: str = Field(max_length=10)
    topic: str = Field(max_length=200)
    hours: Decimal = Field(ge=Decimal("0.5"), le=200, max_digits=6, decimal_places=1)
    trainer: str = Field("", max_length=100)


@router.post(
    "/building/trainings/", response={201: SessionOut, 422: ErrorOut}, url_name="api-building-session-create"
)
@scoped(TrainingSession, "create")
def create_session(request, payload: SessionIn):
    """Plan a training session for one of the three levels (BLD-4)."""
    _edit(request.auth)
    org = get_visible_or_404(Org, request.auth, edit=True, pk=payload.org)
    try:
        session = services.create_session(request.auth, org, **payload.dict(exclude={"org"}))
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, session_out(session))


class AttendanceOut(Schema):
    id: int
    session: int
    org: int
    org_name: str
    name: str
    position: str
    hours: Decimal


def attendance_out(a: Attendance) -> dict:
    return {
        "id": a.pk,
        "session": a.session_id,
        "org": a.org_id,
        "org_name": a.org.name,
        "name": a.name,
        "position": a.position,
        "hours": a.hours,
    }


class AttendancePage(Schema):
    count: int
    items: list[AttendanceOut]


@router.get("/building/attendance/", response=AttendancePage, url_name="api-building-attendance-list")
@scoped(Attendance, "list")
def list_attendance(request, page: Query[Page], session: Id | None = None, year: Year | None = None):
    """Attendance by person (BLD-4): the caller's subtree's cadres."""
    _view(request.auth)
    qs = Attendance.objects.visible_to(request.auth).select_related("org")
    if session:
        qs = qs.filter(session_id=session)
    if year:
        qs = qs.filter(session__year=year)
    if page.q:
        qs = qs.filter(Q(name__icontains=page.q[:50]) | Q(org__name__icontains=page.q[:50]))
    count, items = _page(qs.order_by("session_id", "org__path", "name"), page, request.auth)
    return {"count": count, "items": [attendance_out(a) for a in items]}


class AttendanceIn(Schema):
    org: Id | None = None
    name: str = Field("", max_length=50)
    position: str = Field("", max_length=50)
    hours: Decimal | None = Field(None, ge=Decimal("0.5"), le=200, max_digits=6, decimal_places=1)


@router.post(
    "/building/trainings/{session_id}/attendance/",
    response={201: AttendanceOut, 422: ErrorOut},
    url_name="api-building-attendance-create",
)
@scoped(TrainingSession, "change", kwarg="session_id", fk_fields={"org": Org})
def add_attendance(request, session_id: Id, payload: AttendanceIn):
    """The organiser records one person's attendance (BLD-4)."""
    session = get_visible_or_404(
        TrainingSession.objects.select_related("org"), request.auth, edit=True, pk=session_id
    )
    _edit(request.auth)
    org = resolve_input(Org, request.auth, payload.org, edit=True)
    if org is None:
        return Status(
            422,
            {
                "detail": "所在单位：所选项不存在或不在您的范围内。",
                "errors": {"org": ["所选项不存在或不在您的范围内。"]},
            },
        )
    try:
        a = services.add_attendance(
            request.auth, session, org=org, name=payload.name, position=payload.position, hours=payload.hours
        )
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, attendance_out(a))


# --- handbooks and conditions ---------------------------------------------------------------------


class VersionOut(Schema):
    id: int
    number: int
    changes: str
    file_name: str
    downloads: int


class HandbookOut(Schema):
    id: int
    org_name: str
    title: str
    levels: list[str]
    description: str
    versions: list[VersionOut]


@router.get("/building/handbooks/", response=list[HandbookOut], url_name="api-building-handbook-list")
@scoped(Handbook, "list")
def list_handbooks(request, q: str | None = None):
    """The library with every version (current first) and its downloads."""
    _view(request.auth)
    qs = Handbook.objects.visible_to(request.auth).select_related("org")
    if q:
        qs = qs.filter(Q(title__icontains=q[:50]) | Q(description__icontains=q[:50]))
    handbooks = list(qs.order_by("title")[:500])
    from fuqing.building.models import HandbookVersion

    versions: dict[int, list] = {}
    for v in (
        HandbookVersion.objects.filter(handbook__in=handbooks)
        .annotate(n=Count("downloads"))
        .order_by("handbook_id", "-number")
    ):
        versions.setdefault(v.handbook_id, []).append(
            {"id": v.pk, "number": v.number, "changes": v.changes, "file_name": v.file_name, "downloads": v.n}
        )
    return [
        {
            "id": h.pk,
            "org_name": h.org.name,
            "title": h.title,
            "levels": h.levels,
            "description": h.description,
            "versions": versions.get(h.pk, []),
        }
        for h in handbooks
    ]


class ConditionOut(Schema):
    id: int
    org: int
    org_name: str
    year: int
    funding: Decimal
    funding_in_budget: bool
    venue: str
    venue_area: int
    full_time_staff: int
    part_time_staff: int
    note: str
    gaps: list[str]


def condition_out(c: WorkCondition) -> dict:
    return {
        "id": c.pk,
        "org": c.org_id,
        "org_name": c.org.name,
        "year": c.year,
        "funding": c.funding,
        "funding_in_budget": c.funding_in_budget,
        "venue": c.venue,
        "venue_area": c.venue_area,
        "full_time_staff": c.full_time_staff,
        "part_time_staff": c.part_time_staff,
        "note": c.note,
        "gaps": c.gaps(),
    }


class ConditionPage(Schema):
    count: int
    items: list[ConditionOut]


@router.get("/building/conditions/", response=ConditionPage, url_name="api-building-condition-list")
@scoped(WorkCondition, "list")
def list_conditions(request, page: Query[Page], year: Year | None = None):
    _view(request.auth)
    qs = WorkCondition.objects.visible_to(request.auth).select_related("org")
    if year:
        qs = qs.filter(year=year)
    if page.q:
        qs = qs.filter(
            Q(org__name__icontains=page.q[:50])
            | Q(note__icontains=page.q[:50])
            | Q(venue__icontains=page.q[:50])
        )
    count, items = _page(qs.order_by("-year", "org__path"), page, request.auth)
    return {"count": count, "items": [condition_out(c) for c in items]}


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


@router.post(
    "/building/conditions/",
    response={201: ConditionOut, 422: ErrorOut},
    url_name="api-building-condition-save",
)
@scoped(WorkCondition, "create")
def save_condition(request, payload: ConditionIn):
    """A unit's conditions for a year (BLD-6); saving again replaces the year's row."""
    _edit(request.auth)
    org = get_visible_or_404(Org, request.auth, edit=True, pk=payload.org)
    try:
        condition = services.save_condition(request.auth, org, **payload.dict(exclude={"org"}))
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, condition_out(condition))


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


def _row(org, t) -> dict:
    return {
        "org": org.pk,
        "org_name": org.name,
        **{k: getattr(t, k) for k in CoverageRow.model_fields if k not in ("org", "org_name")},
    }


@router.get("/building/coverage/", response=CoverageOut, url_name="api-building-coverage")
@scoped(Org, "page")
def building_coverage(request, year: Year, org: Id | None = None):
    """Coverage over a unit and each of its children (BLD-1 … BLD-5), for dashboards."""
    _view(request.auth)
    unit = get_visible_or_404(Org, request.auth, pk=org) if org else default_unit(request.auth)
    if unit is None:
        from ninja.errors import HttpError

        raise HttpError(404, "not found")
    on = coverage.as_of_for(year, timezone.localdate())
    rows = coverage.by_children(unit, children_of(unit, request.auth), year, on)
    return {
        "year": year,
        "as_of": on,
        "total": _row(unit, coverage.total(unit, year, on)),
        "children": [_row(o, t) for o, t in rows],
    }
