"""爱心暖夕阳 (PRJ-5): volunteers, empty-nest households, and the pairs that count toward both the
volunteers and the households indicators.

Accounts for volunteers keep the delegation rules (SEC-3, SEC-5): a cadre registers the volunteer and
asks for an account; a system administrator whose scope covers the unit issues it (through
``orgs.services.create_user``, position 巾帼志愿者, a one-time password she must change); a security
administrator grants the built-in ``volunteer`` role (through ``orgs.services.assign_roles``). A cadre
never creates accounts or grants roles.
"""

from __future__ import annotations

import datetime
import re
import secrets
import string

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.crypto import blind_index
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require_admin
from fuqing.orgs import services as org_services
from fuqing.orgs.models import Org, OrgKind, Position, Role, User
from fuqing.projects.access import VOLUNTEER_ROLE
from fuqing.projects.models import (
    ElderlyPerson,
    Household,
    Project,
    Sex,
    Source,
    Volunteer,
    VolunteerPair,
)
from fuqing.projects.services.common import (
    check_editor,
    in_year,
    require_editable_object,
    require_in_project_area,
    require_org,
)
from fuqing.registry.models import Woman

MOBILE = re.compile(r"^1[3-9]\d{9}$")
AREA_KINDS = (OrgKind.TOWNSHIP, OrgKind.COMMUNITY, OrgKind.WOMENS_GROUP)


def clean_phone(phone: str, field: str = "phone") -> str:
    phone = (phone or "").replace(" ", "").replace("-", "")
    if phone and not MOBILE.match(phone):
        raise ValidationError({field: _("手机号码应为 1 开头的 11 位数字。")}, code="PRJ-5")
    return phone


def phone_index(phone: str) -> str:
    return blind_index(phone, "volunteer-phone") if phone else ""


# --- volunteers -----------------------------------------------------------------------------------


@transaction.atomic
def register_volunteer(actor, *, org: Org, name: str, phone: str = "", notes: str = "") -> Volunteer:
    """A cadre registers a 巾帼志愿者 of her unit (no account yet)."""
    check_editor(actor)
    require_org(actor, org)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("姓名不能为空。")}, code="PRJ-5")
    if len(name) > 50:
        raise ValidationError({"name": _("姓名不能超过 50 个字。")}, code="PRJ-5")
    phone = clean_phone(phone)
    index = phone_index(phone)
    if index and Volunteer.objects.filter(phone_index=index, is_active=True).exists():
        raise ValidationError({"phone": _("该手机号码的志愿者已经登记。")}, code="PRJ-5")
    volunteer = Volunteer.objects.create(
        org=org,
        name=name,
        phone=phone,
        phone_index=index,
        notes=(notes or "").strip()[:200],
        created_by=actor,
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=volunteer)
    return volunteer


@transaction.atomic
def request_account(actor, volunteer: Volunteer) -> Volunteer:
    """A cadre asks the system administrator for the volunteer's account."""
    check_editor(actor)
    require_editable_object(actor, volunteer)
    if volunteer.user_id:
        raise ValidationError({"account": _("该志愿者已有账户。")}, code="PRJ-5")
    volunteer.account_requested = True
    volunteer.save(update_fields=["account_requested"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=volunteer, details={"account_requested": True})
    return volunteer


def _username() -> str:
    while True:
        candidate = f"zy{secrets.randbelow(10**7):07d}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


def one_time_password() -> str:
    """Twelve characters of three classes, to be replaced at the first login (SEC-6)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _i in range(10))
        if (
            any(c.isdigit() for c in body)
            and any(c.islower() for c in body)
            and any(c.isupper() for c in body)
        ):
            return body[:5] + "@" + body[5:] + "#"


@transaction.atomic
def issue_account(actor, volunteer: Volunteer) -> tuple[User, str]:
    """A system administrator issues the volunteer's account (SEC-3: inside her own subtree; SEC-5:
    manage_users only). Returns the user and the one-time password to hand over."""
    require_admin(actor, "manage_users")
    if volunteer.user_id:
        raise ValidationError({"account": _("该志愿者已有账户。")}, code="PRJ-5")
    password = one_time_password()
    user = org_services.create_user(
        actor,
        username=_username(),
        password=password,
        org=volunteer.org,
        name=volunteer.name,
        position=Position.VOLUNTEER,
    )
    volunteer.user = user
    volunteer.account_requested = False
    volunteer.save(update_fields=["user", "account_requested"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=volunteer, details={"account": user.pk})
    return user, password


@transaction.atomic
def grant_volunteer_role(actor, volunteer: Volunteer) -> User:
    """A security administrator grants the volunteer role (and only it) to a volunteer's account."""
    require_admin(actor, "grant_roles")
    user = volunteer.user
    if user is None:
        raise ValidationError({"account": _("该志愿者还没有账户。")}, code="PRJ-5")
    if user.position != Position.VOLUNTEER:
        raise PermissionDenied(_("只能给职务为巾帼志愿者的账户授予志愿者角色。"))
    role = Role.objects.get(code=VOLUNTEER_ROLE)
    return org_services.assign_roles(actor, user, [role])


# --- households -----------------------------------------------------------------------------------


def clean_elders(elders) -> list[dict]:
    cleaned = []
    for index, elder in enumerate(elders or [], start=1):
        name = (elder.get("name") or "").strip()
        if not name:
            continue
        sex = elder.get("sex") or Sex.FEMALE
        if sex not in Sex.values:
            raise ValidationError(
                {"elders": _("第 %(n)d 位老人的性别应为男或女。") % {"n": index}}, code="PRJ-5"
            )
        birth_year = elder.get("birth_year")
        if birth_year not in (None, ""):
            try:
                birth_year = int(birth_year)
            except (TypeError, ValueError):
                birth_year = 0
            if not 1900 <= birth_year <= datetime.date.today().year - 50:
                raise ValidationError(
                    {
                        "elders": _("第 %(n)d 位老人的出生年份应为 1900 年至 50 年前之间的四位年份。")
                        % {"n": index}
                    },
                    code="PRJ-5",
                )
        else:
            birth_year = None
        cleaned.append({"name": name[:50], "sex": sex, "birth_year": birth_year, "woman": elder.get("woman")})
    if not cleaned:
        raise ValidationError({"elders": _("请至少填写一位老人。")}, code="PRJ-5")
    return cleaned


@transaction.atomic
def add_household(actor, *, org: Org, address: str, phone: str = "", notes: str = "", elders=()) -> Household:
    """An empty-nest elderly household with its elderly members (PRJ-5)."""
    check_editor(actor)
    require_org(actor, org)
    address = (address or "").strip()
    if not address:
        raise ValidationError({"address": _("住址不能为空。")}, code="PRJ-5")
    if len(address) > 200:
        raise ValidationError({"address": _("住址不能超过 200 个字。")}, code="PRJ-5")
    if Household.objects.filter(org=org, address=address).exists():
        raise ValidationError({"address": _("本单位已登记该住址的家庭。")}, code="PRJ-5")
    people = clean_elders(elders)
    linked = [p["woman"].pk for p in people if p["woman"] is not None]
    if linked and actor is not None:
        if Woman.objects.visible_to(actor).filter(pk__in=linked).count() != len(set(linked)):
            raise ValidationError({"elders": _("关联的妇女档案不在您的数据范围内。")}, code="PRJ-5")
    household = Household.objects.create(
        org=org,
        address=address,
        phone=clean_phone(phone),
        notes=(notes or "").strip()[:300],
        created_by=actor,
    )
    ElderlyPerson.objects.bulk_create(ElderlyPerson(household=household, **person) for person in people)
    audit.record(AuditAction.CREATE, actor=actor, obj=household, details={"elders": len(people)})
    return household


@transaction.atomic
def update_household(
    actor,
    household: Household,
    *,
    address: str | None = None,
    phone: str | None = None,
    notes: str | None = None,
) -> Household:
    """Change a household's address, phone or notes (PRJ-5); its elders stay as they are. The audit
    record names the fields changed, never their values (REG-3)."""
    check_editor(actor)
    require_editable_object(actor, household)
    changed = []
    if address is not None:
        address = address.strip()
        if not address:
            raise ValidationError({"address": _("住址不能为空。")}, code="PRJ-5")
        if len(address) > 200:
            raise ValidationError({"address": _("住址不能超过 200 个字。")}, code="PRJ-5")
        clash = Household.objects.filter(org=household.org, address=address).exclude(pk=household.pk)
        if clash.exists():
            raise ValidationError({"address": _("本单位已登记该住址的家庭。")}, code="PRJ-5")
        if address != household.address:
            household.address = address
            changed.append("address")
    if phone is not None:
        phone = clean_phone(phone)
        if phone != household.phone:
            household.phone = phone
            changed.append("phone")
    if notes is not None and notes.strip()[:300] != household.notes:
        household.notes = notes.strip()[:300]
        changed.append("notes")
    if changed:
        household.save()
        audit.record(AuditAction.UPDATE, actor=actor, obj=household, details={"fields": changed})
    return household


# --- pairs ----------------------------------------------------------------------------------------


def area_of(org: Org) -> Org:
    """The area a volunteer serves: her street/township (a community's volunteer serves its street);
    a volunteer registered higher up serves that unit's subtree."""
    if org.kind in AREA_KINDS and org.kind != OrgKind.TOWNSHIP:
        township = Org.objects.filter(path__in=org.ancestor_paths(), kind=OrgKind.TOWNSHIP).first()
        if township is not None:
            return township
    return org


def pairs_project_check(project: Project) -> None:
    if not project.indicators.filter(source=Source.VOLUNTEER_PAIRS).exists():
        raise ValidationError(
            {"project": _("“%(p)s”没有由结对记录计算的指标，不能在此项目下结对。") % {"p": project.name}},
            code="PRJ-5",
        )


@transaction.atomic
def pair(
    actor,
    *,
    project: Project,
    volunteer: Volunteer,
    household: Household,
    started_on: datetime.date,
    notes: str = "",
) -> VolunteerPair:
    """Pair a volunteer with a household of her area (PRJ-5); the pair counts toward both indicators."""
    check_editor(actor)
    require_org(actor, household.org, "household")
    require_in_project_area(project, household.org, "household")
    pairs_project_check(project)
    if not volunteer.is_active:
        raise ValidationError({"volunteer": _("该志愿者已不在册。")}, code="PRJ-5")
    area = area_of(volunteer.org)
    if not household.org.path.startswith(area.path):
        raise ValidationError(
            {
                "household": _("按就近原则，“%(v)s”只能与“%(a)s”范围内的家庭结对。")
                % {"v": volunteer.name, "a": area.name}
            },
            code="PRJ-5",
        )
    day = in_year(started_on, project.year, "started_on", _("结对日期"))
    message = _("%(v)s已与该家庭在本项目中结对。") % {"v": volunteer.name}
    if VolunteerPair.objects.filter(project=project, volunteer=volunteer, household=household).exists():
        raise ValidationError({"household": message}, code="PRJ-5")
    try:
        with transaction.atomic():
            created = VolunteerPair.objects.create(
                project=project,
                volunteer=volunteer,
                household=household,
                org=household.org,
                year=project.year,
                started_on=day,
                notes=(notes or "").strip()[:200],
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError({"household": message}, code="PRJ-5") from None
    audit.record(
        AuditAction.CREATE, actor=actor, obj=created, details={"project": project.pk, "started_on": day}
    )
    return created


@transaction.atomic
def end_pair(actor, pair_: VolunteerPair, *, ended_on: datetime.date, reason: str = "") -> VolunteerPair:
    """End a pair (the volunteer moved, the elder passed away); it still counts for its year."""
    check_editor(actor)
    require_editable_object(actor, pair_)
    if pair_.ended_on:
        raise ValidationError({"ended_on": _("该结对已经结束。")}, code="PRJ-5")
    if ended_on is None or ended_on < pair_.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于结对日期。")}, code="PRJ-5")
    pair_.ended_on = ended_on
    if reason:
        pair_.notes = (f"{pair_.notes}；{reason}" if pair_.notes else reason)[:200]
    pair_.save(update_fields=["ended_on", "notes"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=pair_, details={"ended_on": ended_on})
    return pair_
