"""Rules for contact points and visits (FLD-1 … FLD-4). Views, the API, ledgers and the demo all call these.

Every function takes the acting user first, checks the module permission and the scope, validates with
Chinese messages naming the field and the rule, writes in one transaction and records the audit log.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit, user_scope
from fuqing.fieldwork.attachments import remove_files
from fuqing.fieldwork.hooks import needs_hook
from fuqing.fieldwork.models import (
    MAX_VISIT_DAYS,
    STATIONED_MIN_DAYS,
    ContactPoint,
    Visit,
    VisitDay,
    VisitGroupCount,
    VisitMember,
    VisitMethod,
)
from fuqing.orgs.models import LEADERSHIP_POSITIONS, Org, OrgKind, Position, User
from fuqing.orgs.services import administrators
from fuqing.registry.models import VulnerableGroup
from fuqing.registry.services import register_woman

CONTACT_POINT_KINDS = (OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)
PLACE_KINDS = (OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY, OrgKind.WOMENS_GROUP)
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$")


def _require_unit(actor, org: Org | None, field_name: str) -> None:
    if org is None:
        raise ValidationError({field_name: _("请选择单位。")}, code="FLD-2")
    if not user_scope(actor).covers(org.path, edit=True):
        raise PermissionDenied(_("“%(o)s”超出了您可以编辑的范围。") % {"o": org.name})


def invalid(errors: dict[str, str], code: str, codes: dict[str, str] | None = None) -> ValidationError:
    """One ValidationError naming each field, every message carrying its rule's SPEC id."""
    codes = codes or {}
    return ValidationError({f: ValidationError(m, code=codes.get(f, code)) for f, m in errors.items()})


def federation_of(org: Org) -> Org:
    """A department belongs to the federation above it; a federation is its own."""
    if org.kind in (OrgKind.DEPARTMENT, OrgKind.WOMENS_GROUP) and org.depth > 1:
        return Org.objects.get(path=org.path[: -Org.steplen])
    return org


# --- needs found on a visit ------------------------------------------------------------------------

_NEED_LINE = re.compile(
    r"^(?:【(?P<c1>[^】]{1,8})】"
    r"|(?P<c3>[A-Za-z][A-Za-z &'’-]{0,29}?)\s*[:：](?!//)"
    r"|(?P<c2>[^:：\s]{1,8})[:：](?!//))"
    r"\s*(?P<text>.+)$"
)
# The English names of the built-in need categories (assistance migration 0004; the help text shows
# "Employment: …" in English): a line written in English files under the category's own (Chinese) name.
_ENGLISH_CATEGORIES = {
    "employment": "就业",
    "jobs": "就业",
    "work": "就业",
    "income": "收入",
    "housing": "住房",
    "health": "健康",
    "legal rights": "权益维护",
    "rights": "权益维护",
    "rights protection": "权益维护",
    "education": "子女教育",
    "children's education": "子女教育",
    "elderly care": "养老",
    "marriage and family": "婚姻家庭",
    "marriage family": "婚姻家庭",
    "family": "婚姻家庭",
    "startup loans": "创业贷款",
    "business loans": "创业贷款",
    "loans": "创业贷款",
    "other": "其他",
}


def _category_name(prefix: str) -> str:
    key = " ".join(prefix.lower().replace("’", "'").replace("&", " and ").replace("-", " ").split())
    return _ENGLISH_CATEGORIES.get(key, prefix)


# A list marker at the start of a line: "- ", "• ", "1. ", "2、", "3)", "（4）" (not the 3 of "3个孩子").
_LIST_MARKER = re.compile(r"^\s*(?:[-•·*]|\d+[.、)）]|[（(]\d+[)）])\s*")


def parse_needs(text: str) -> list[dict]:
    """Needs found, one per line, with an optional category before a colon or in 【】 (FLD-2).

    '就业：想学家政技能' → {"category": "就业", "text": "想学家政技能"}; the colon may be half-width, and a
    built-in category may be named in English ('Employment: …' → 就业). The one reading of a visit's
    ``needs_text``: the assistance app turns each item into a ``Need`` linked to the visit
    (``fuqing.assistance.services.convert_visit_needs``).
    """
    items = []
    for raw in (text or "").replace("\r", "\n").split("\n"):
        line = _LIST_MARKER.sub("", raw).strip()
        if not line:
            continue
        match = _NEED_LINE.match(line)
        if match:
            category = (match["c1"] or match["c3"] or match["c2"]).strip()
            items.append({"category": _category_name(category), "text": match["text"].strip()})
        else:
            items.append({"category": "", "text": line})
    return items


def format_needs(items: Iterable[dict]) -> str:
    return "\n".join(f"{i['category']}：{i['text']}" if i.get("category") else i["text"] for i in items)


# --- contact points (FLD-1) ------------------------------------------------------------------------


@dataclass
class ContactPointData:
    org: Org | None
    place: Org | None
    since_year: int | None
    keeper: User | None = None
    contact_name: str = ""
    contact_phone: str = ""
    notes: str = ""
    is_active: bool = True


def check_contact_point(actor, data: ContactPointData, instance: ContactPoint | None = None) -> None:
    """FLD-1: a place at district, township or community level within the keeping federation, kept
    by the unit itself or one of its leadership members."""
    errors: dict[str, str] = {}
    if data.place is None:
        errors["place"] = _("请选择联系点所在的区县、街道(乡镇)或社区(村)。")
    elif data.place.kind not in CONTACT_POINT_KINDS:
        errors["place"] = _("联系点应设在区县(市)、街道(乡镇)或社区(村)一级，不能是%(k)s。") % {
            "k": data.place.get_kind_display()
        }
    elif data.org is not None and not data.place.path.startswith(federation_of(data.org).path):
        errors["place"] = _("联系点应在“%(f)s”的范围内。") % {"f": federation_of(data.org).name}
    if data.keeper is not None and data.org is not None:
        if data.keeper.org_id != data.org.pk or (
            data.keeper.position not in LEADERSHIP_POSITIONS
            and data.keeper.position != Position.DEPARTMENT_HEAD
        ):
            errors["keeper"] = _("联系领导应为本单位的班子成员（主席、副主席、班子成员）或部长。")
        elif administrators().filter(pk=data.keeper.pk).exists():
            errors["keeper"] = _("联系领导不能是管理员账号（安全、审计、系统管理员），请选择干部。")
    if not data.since_year or not 2000 <= int(data.since_year) <= 2100:
        errors["since_year"] = _("建立年度应为四位年份。")
    phone = (data.contact_phone or "").replace(" ", "")
    if phone and not PHONE.match(phone):
        errors["contact_phone"] = _("联系电话应为 11 位手机号或固定电话号码。")
    if not errors and data.org is not None:
        clash = ContactPoint.objects.filter(org=data.org, place=data.place, keeper=data.keeper)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["place"] = _("“%(p)s”已经是该单位%(k)s的联系点。") % {
                "p": data.place.name,
                "k": f"{data.keeper}" if data.keeper else "",
            }
    if errors:
        raise invalid(errors, "FLD-1")


@transaction.atomic
def save_contact_point(
    actor, instance: ContactPoint | None, data: ContactPointData, record_audit: bool = True
) -> ContactPoint:
    require(actor, "fieldwork", "edit")
    _require_unit(actor, data.org, "org")
    if instance is not None and not can_edit(actor, instance):
        raise PermissionDenied(_("只读范围：您可以查看该联系点，但不能修改。"))
    check_contact_point(actor, data, instance)
    creating = instance is None
    cp = instance or ContactPoint(created_by=actor)
    cp.org = data.org
    cp.place = data.place
    cp.keeper = data.keeper
    cp.contact_name = data.contact_name.strip()
    cp.contact_phone = (data.contact_phone or "").replace(" ", "")
    cp.since_year = data.since_year
    cp.notes = data.notes.strip()
    cp.is_active = data.is_active
    cp.save()
    if record_audit:
        audit.record(
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            actor=actor,
            obj=cp,
            details={"place": cp.place_id, "keeper": cp.keeper_id, "active": cp.is_active},
        )
    return cp


# --- visits (FLD-2, FLD-3) ---------------------------------------------------------------------------


@dataclass
class VisitData:
    """What a visit form, an API call or a ledger row carries."""

    org: Org | None
    started_on: datetime.date | None
    ended_on: datetime.date | None
    method: str
    lead: User | None
    members: list[User] = field(default_factory=list)
    contact_point: ContactPoint | None = None
    place: Org | None = None
    women_met: int | None = 0
    group_counts: dict = field(default_factory=dict)  # VulnerableGroup id -> count
    notes: str = ""
    needs_text: str = ""
    year: int | None = None
    id: uuid.UUID | None = None
    # FLD-2 / NEED-1: the women met by name, each with the needs written under her; None leaves the
    # visit's women as they are
    women: list[WomanMet] | None = None


MAX_WOMEN_MET = 30


@dataclass
class WomanMet:
    """A woman met on a visit: a registered one (resolved through the scope door) or a new one
    registered on the spot with the few fields the cadre knows (``new``: name, id_number, phone)."""

    woman: object | None = None
    new: dict | None = None
    needs: list[str] = field(default_factory=list)


def allowed_members(actor):
    """Cadres who may be named on a visit: everyone in the actor's scope, and the leaders of the
    federations above her (a city vice-chair comes down with the district)."""

    lineage = actor.org.ancestor_paths() if actor.org_id else []
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=User.objects.visible_to(actor).values("pk"))
            | Q(org__path__in=lineage, position__in=LEADERSHIP_POSITIONS)
        )
        .exclude(pk__in=administrators().values("pk"))
    )


def check_visit(
    actor, data: VisitData, allowed_ids: set | None = None, group_names: dict | None = None
) -> None:
    """Every rule of a visit; raises one ValidationError naming each bad field (FLD-2, FLD-3).

    An import passes ``allowed_ids`` and ``group_names`` computed once for the whole file."""
    errors: dict[str, str] = {}
    codes: dict[str, str] = {}
    if data.started_on is None:
        errors["started_on"] = _("请填写开始日期。")
    if data.ended_on is None:
        errors["ended_on"] = _("请填写结束日期。")
    if data.method not in VisitMethod.values:
        errors["method"] = _("请选择走访方式：%(m)s。") % {"m": "、".join(str(m.label) for m in VisitMethod)}
    if data.started_on and data.ended_on:
        days = (data.ended_on - data.started_on).days + 1
        if days < 1:
            errors["ended_on"] = _("结束日期不能早于开始日期。")
        elif days > MAX_VISIT_DAYS:
            errors["ended_on"] = _("一次走访最长 %(n)d 天；更长的蹲点请分段记录。") % {"n": MAX_VISIT_DAYS}
        elif data.method == VisitMethod.STATIONED and days < STATIONED_MIN_DAYS:
            codes["ended_on"] = "FLD-3"
            errors["ended_on"] = _(
                "蹲点调研时间不少于一周（%(min)d 天），本次只有 %(n)d 天。"
                "请核对结束日期，或改选其他走访方式。"
            ) % {"min": STATIONED_MIN_DAYS, "n": days}
        if data.year and data.year not in (data.started_on.year, data.ended_on.year):
            errors["year"] = _("年度应为走访日期所在的年份。")
    if data.started_on and data.needs_text.strip() and data.started_on > timezone.localdate():
        codes["needs_text"] = "NEED-1"
        errors["needs_text"] = _("走访还没有开始（开始日期晚于今天），不能登记发现的诉求。")
    if data.contact_point is None and data.place is None:
        errors["place"] = _("请选择联系点或走访地点。")
    elif data.place is not None and data.place.kind not in PLACE_KINDS:
        errors["place"] = _("走访地点应为区县(市)、街道(乡镇)、社区(村)或妇女小组，不能是%(k)s。") % {
            "k": data.place.get_kind_display()
        }
    if data.lead is None:
        errors["lead"] = _("请选择带队人。")
    people = {u.pk for u in [*data.members, *([data.lead] if data.lead else [])]}
    if allowed_ids is not None:
        outsiders = people - allowed_ids
    else:
        outsiders = people - set(allowed_members(actor).filter(pk__in=people).values_list("pk", flat=True))
    admins = set(administrators().filter(pk__in=people).values_list("pk", flat=True)) if people else set()
    outsiders -= admins
    if outsiders:
        errors["members"] = _("参加人员只能是您范围内的干部或上级妇联的领导。")
    if data.lead is not None and data.lead.pk in admins:
        errors["lead"] = _("带队人不能是管理员账号（安全、审计、系统管理员），请选择干部。")
    if admins - ({data.lead.pk} if data.lead else set()):
        errors["members"] = _("参加人员不能是管理员账号（安全、审计、系统管理员），请选择干部。")
    women = data.women_met or 0
    met = data.women or []
    if len(met) > MAX_WOMEN_MET:
        errors["women"] = _("一次走访最多点名登记 %(n)d 位妇女。") % {"n": MAX_WOMEN_MET}
    elif any(m.needs for m in met) and not may_record_needs(actor):
        errors["women"] = _("您没有登记诉求的权限，不能在妇女名下写诉求；请写在“发现的诉求”里。")
    elif any(m.woman is None for m in met) and not actor.has_module_perm("registry", "edit"):
        errors["women"] = _("您没有妇女档案的登记权限，请从档案中选择已登记的妇女。")
    elif data.started_on and any(m.needs for m in met) and data.started_on > timezone.localdate():
        errors["women"] = _("走访还没有开始（开始日期晚于今天），不能登记发现的诉求。")
    if women < 0:
        errors["women_met"] = _("走访妇女人数不能为负数。")
    names = group_names if group_names is not None else _group_names()
    for group_id, count in (data.group_counts or {}).items():
        if group_id not in names:
            errors["group_counts"] = _("未知的困难群体。")
        elif count is not None and (count < 0 or count > women):
            errors["group_counts"] = _("“%(g)s”人数应在 0 到走访妇女人数（%(n)d）之间。") % {
                "g": names[group_id],
                "n": women,
            }
    if errors:
        raise invalid(errors, "FLD-2", codes)


def _group_names() -> dict[int, str]:
    return dict(VulnerableGroup.objects.values_list("pk", "name"))


def save_visit(
    actor, instance: Visit | None, data: VisitData, record_audit: bool = True
) -> tuple[Visit, bool]:
    """Create or update a visit; returns (visit, created).

    Creating with an ``id`` that already exists returns that visit untouched when the same user made
    it: a replayed offline submission or a double tap does not duplicate the visit (PLT-6).
    """
    require(actor, "fieldwork", "edit")
    _require_unit(actor, data.org, "org")
    if instance is None and data.id is not None:
        existing = Visit.objects.filter(pk=data.id).first()
        if existing is not None:
            return _replayed(actor, existing), False
    if instance is not None and not can_edit(actor, instance):
        raise PermissionDenied(_("只读范围：您可以查看该走访，但不能修改。"))
    if data.contact_point is not None:
        data.place = data.contact_point.place
    if data.women:  # the count of women met includes the women named (FLD-2)
        data.women_met = max(data.women_met or 0, len(data.women))
    check_visit(actor, data)
    try:
        with transaction.atomic():
            visit = _write_visit(actor, instance, data)
            record_needs(actor, visit)
            if data.women is not None:
                record_women(actor, visit, data.women)
            if record_audit:
                audit.record(
                    AuditAction.CREATE if instance is None else AuditAction.UPDATE,
                    actor=actor,
                    obj=visit,
                    details={"method": visit.method, "days": visit.days, "members": len(data.members)},
                )
    except IntegrityError:
        existing = Visit.objects.filter(pk=data.id).first() if data.id else None
        if instance is None and existing is not None:  # two replays raced each other
            return _replayed(actor, existing), False
        raise
    return visit, instance is None


def may_record_needs(actor) -> bool:
    """Whether saving a visit also records its needs in the needs register (NEED-1): the platform
    itself (``actor`` None) and cadres who may edit needs. Others keep the lines as text on the visit
    until a colleague who may turns them into needs (转为诉求)."""
    return actor is None or actor.has_module_perm("assistance", "edit")


def record_needs(actor, visit: Visit) -> None:
    """FLD-2 / NEED-1: the needs a visit found become rows of the needs register, through the
    assistance app's one rule (``sync_visit_needs``, through ``fieldwork.hooks``), in the caller's
    transaction."""
    if may_record_needs(actor) and (sync := needs_hook("sync_visit")):
        sync(actor, visit)


def women_org(actor, visit: Visit) -> Org:
    """Where a woman registered on a visit belongs: the place visited when it is a federation the
    cadre may edit (her community), else the federation of the visit's unit."""
    place = visit.place
    if (
        place is not None
        and place.kind != OrgKind.DEPARTMENT
        and user_scope(actor).covers(place.path, edit=True)
    ):
        return place
    return federation_of(visit.org)


def record_women(actor, visit: Visit, women: list[WomanMet]) -> None:
    """FLD-2 / NEED-1: the women met by name join the visit — a new one is registered first
    (``registry.services.register_woman``) — and the needs written under each become her Needs of the
    visit (``assistance.services.record_woman_needs``). In the visit's transaction: all or nothing."""

    met = []
    for number, item in enumerate(women, 1):
        try:
            woman = item.woman
            if woman is None:
                new = item.new or {}
                woman = register_woman(
                    actor,
                    org=women_org(actor, visit),
                    name=new.get("name", ""),
                    id_number=new.get("id_number", ""),
                    phone=new.get("phone", ""),
                    registered_on=visit.started_on if visit.started_on <= timezone.localdate() else None,
                )
            met.append(woman)
            if item.needs and (record := needs_hook("record_woman")):
                record(actor, visit, woman, item.needs)
        except ValidationError as exc:
            raise ValidationError(
                {"women": _("第 %(n)d 位妇女：%(why)s") % {"n": number, "why": "".join(exc.messages)}},
                code="FLD-2",
            ) from exc
    visit.women.set(met)


def _replayed(actor, existing: Visit) -> Visit:
    if existing.created_by_id != actor.pk:
        raise ValidationError({"id": _("该走访编号已被使用，请刷新页面后重新填写。")}, code="PLT-6")
    return existing


def _write_visit(actor, instance: Visit | None, data: VisitData) -> Visit:
    visit = instance or Visit(created_by=actor)
    if instance is None and data.id is not None:
        visit.id = data.id
    visit.org = data.org
    visit.started_on = data.started_on
    visit.ended_on = data.ended_on
    visit.year = data.year or data.started_on.year
    visit.method = data.method
    visit.contact_point = data.contact_point
    visit.place = data.place
    visit.lead = data.lead
    visit.led_by_leader = data.lead.position in LEADERSHIP_POSITIONS
    visit.women_met = data.women_met or 0
    visit.notes = data.notes.strip()
    visit.needs_text = format_needs(parse_needs(data.needs_text))
    if instance is None:
        visit.save(force_insert=True)
    else:
        visit.save()
    members = {u.pk: u for u in data.members}
    members[data.lead.pk] = data.lead
    VisitMember.objects.filter(visit=visit).delete()
    VisitMember.objects.bulk_create(
        VisitMember(visit=visit, user_id=pk, is_lead=pk == data.lead.pk) for pk in members
    )
    VisitGroupCount.objects.filter(visit=visit).delete()
    VisitGroupCount.objects.bulk_create(
        VisitGroupCount(visit=visit, group_id=g, count=n) for g, n in data.group_counts.items() if n
    )
    write_days(visit, members)
    return visit


def write_days(visit: Visit, member_ids: Iterable[int]) -> None:
    """FLD-4: one VisitDay row per member and calendar day of the visit."""
    VisitDay.objects.filter(visit=visit).delete()
    VisitDay.objects.bulk_create(
        (VisitDay(visit=visit, user_id=pk, day=day) for pk in member_ids for day in visit.day_list()),
        batch_size=500,
    )


@transaction.atomic
def delete_visit(actor, visit: Visit) -> None:
    require(actor, "fieldwork", "edit")
    if not can_edit(actor, visit):
        raise PermissionDenied(_("只读范围：您可以查看该走访，但不能删除。"))
    names = list(visit.attachments.values_list("stored_name", flat=True))
    # needs nobody has worked on go with the visit; the others stay
    if may_record_needs(actor) and (withdraw := needs_hook("withdraw_visit")):
        withdraw(actor, visit)
    audit.record(AuditAction.DELETE, actor=actor, obj=visit, details={"method": visit.method})
    visit.delete()
    transaction.on_commit(lambda: remove_files(names))
