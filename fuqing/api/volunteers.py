"""爱心暖夕阳 writes in the API (PLT-3, PRJ-5): register a volunteer, ask for and issue her account, grant
its role; register an empty-nest household; end a pair. Lists, reads and pairing are in
``api/projects``. The same services and the same delegation as the pages
(``projects.services.volunteers``): a cadre registers and asks, a system administrator issues the
account, a security administrator grants the volunteer role — a cadre never creates accounts.

Phones and elders' names are personal data: answers carry them masked.
"""

from __future__ import annotations

import uuid

from ninja import Field, Schema, Status

from fuqing.api.kit import ref
from fuqing.api.projects import HouseholdOut, PairOut, VolunteerOut, router
from fuqing.api.types import Day, Id, require_fields
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org
from fuqing.projects import services
from fuqing.projects.access import require_edit
from fuqing.projects.models import Household, Sex, Volunteer, VolunteerPair
from fuqing.registry.models import Woman

# The same router as the lists and reads of these paths: ninja serves one path from one router.
__all__ = ["router"]

Phone = Field("", max_length=20, description="手机号码（1 开头的 11 位数字）")


class VolunteerIn(Schema):
    org: Id
    name: str = Field(max_length=50)
    phone: str = Phone
    notes: str = Field("", max_length=200)


class AccountOut(Schema):
    volunteer: uuid.UUID
    user: uuid.UUID
    username: str
    password: str = Field(description="一次性密码：交给志愿者本人，首次登录时须修改；不再显示")


class ElderIn(Schema):
    name: str = Field(max_length=50)
    sex: Sex = Sex.FEMALE
    birth_year: int | None = Field(None, ge=1900, le=2100)
    woman: uuid.UUID | None = Field(None, description="关联的妇女档案（须在调用者的数据范围内）")


class HouseholdIn(Schema):
    org: Id
    address: str = Field(max_length=200)
    phone: str = Phone
    notes: str = Field("", max_length=300)
    elders: list[ElderIn] = Field(min_length=1, max_length=20)


class HouseholdPatch(Schema):
    address: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=20)
    notes: str | None = Field(None, max_length=300)


class PairEndIn(Schema):
    ended_on: Day | None = None
    reason: str = Field("", max_length=100)


def _volunteer(request, volunteer_id: uuid.UUID) -> Volunteer:
    return get_visible_or_404(Volunteer.objects.select_related("org", "user"), request.auth, pk=volunteer_id)


def _fresh(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_related("org").get(pk=volunteer.pk)


@router.post("/volunteers/", response={201: VolunteerOut}, url_name="api-volunteer-create")
@scoped(Volunteer, "create")
def create_volunteer(request, payload: VolunteerIn):
    """A cadre registers a 巾帼志愿者 of a unit she may fill in (no account yet)."""
    require_edit(request.auth)
    org = ref(Org, request.auth, payload.org, "org", "所在单位")
    volunteer = services.register_volunteer(request.auth, **{**payload.dict(), "org": org})
    return Status(201, _fresh(volunteer))


@router.post(
    "/volunteers/{volunteer_id}/request-account/",
    response=VolunteerOut,
    url_name="api-volunteer-request-account",
)
@scoped(Volunteer, "change", kwarg="volunteer_id")
def request_account(request, volunteer_id: uuid.UUID):
    """Ask the system administrator for the volunteer's account."""
    volunteer = _volunteer(request, volunteer_id)
    services.request_account(request.auth, volunteer)
    return _fresh(volunteer)


@router.post(
    "/volunteers/{volunteer_id}/account/", response={201: AccountOut}, url_name="api-volunteer-account"
)
@scoped(Volunteer, "change", kwarg="volunteer_id")
def issue_account(request, volunteer_id: uuid.UUID):
    """A system administrator issues the account (position 巾帼志愿者, no role yet) and gets the
    one-time password to hand over — the only time it is shown."""
    volunteer = _volunteer(request, volunteer_id)
    user, password = services.issue_account(request.auth, volunteer)
    return Status(
        201, {"volunteer": volunteer.pk, "user": user.uuid, "username": user.username, "password": password}
    )


@router.post("/volunteers/{volunteer_id}/grant-role/", response=VolunteerOut, url_name="api-volunteer-grant")
@scoped(Volunteer, "change", kwarg="volunteer_id")
def grant_role(request, volunteer_id: uuid.UUID):
    """A security administrator grants the volunteer role (and only it) to the volunteer's account."""
    volunteer = _volunteer(request, volunteer_id)
    services.grant_volunteer_role(request.auth, volunteer)
    return _fresh(volunteer)


@router.post("/households/", response={201: HouseholdOut}, url_name="api-household-create")
@scoped(Household, "create", fk_fields={"org": Org})
def create_household(request, payload: HouseholdIn):
    """An empty-nest elderly household with its elders; an elder may be linked to her woman's record."""
    require_edit(request.auth)
    org = ref(Org, request.auth, payload.org, "org", "所在社区(村)")
    elders = []
    for elder in payload.elders:
        woman = ref(Woman, request.auth, elder.woman, "elders", "关联的妇女档案")
        elders.append({**elder.dict(), "woman": woman})
    household = services.add_household(
        request.auth,
        org=org,
        address=payload.address,
        phone=payload.phone,
        notes=payload.notes,
        elders=elders,
    )
    fresh = Household.objects.select_related("org").prefetch_related("elders").get(pk=household.pk)
    return Status(201, fresh)


@router.patch("/households/{household_id}/", response=HouseholdOut, url_name="api-household-update")
@scoped(Household, "change", kwarg="household_id")
def update_household(request, household_id: uuid.UUID, payload: HouseholdPatch):
    """Change a household's address, phone or notes (its elders stay)."""
    household = get_visible_or_404(Household, request.auth, pk=household_id)
    require_edit(request.auth)
    services.update_household(request.auth, household, **payload.dict(exclude_unset=True))
    return Household.objects.select_related("org").prefetch_related("elders").get(pk=household.pk)


@router.post("/volunteer-pairs/{pair_id}/end/", response=PairOut, url_name="api-pair-end")
@scoped(VolunteerPair, "change", kwarg="pair_id")
def end_pair(request, pair_id: Id, payload: PairEndIn):
    """End a pair (the volunteer moved, the elder passed away); it still counts for its year."""
    pair = get_visible_or_404(VolunteerPair, request.auth, pk=pair_id)
    require_edit(request.auth)
    require_fields(payload, "ended_on")
    services.end_pair(request.auth, pair, ended_on=payload.ended_on, reason=payload.reason)
    related = ("project", "volunteer", "household", "org")
    return VolunteerPair.objects.select_related(*related).get(pk=pair.pk)
