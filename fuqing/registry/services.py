"""Registering and correcting women (REG-1, REG-4) — the rules every door uses: pages, API, ledger, demo.

Each function takes the acting user first, checks her permission and scope, validates with Chinese
messages naming the field and the rule, writes in a transaction and records what happened: the
record's own history (``WomanEvent``) and, for access to personal data, the audit log.
Consent, removal and retention live in ``privacy``; merging in ``merging`` (re-exported here).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit, cells
from fuqing.core.cells import CellError
from fuqing.core.crypto import blind_index
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import user_scope
from fuqing.orgs.models import Org, OrgKind
from fuqing.registry import privacy
from fuqing.registry.merging import merge_women
from fuqing.registry.models import (
    ConsentPurpose,
    VulnerableGroup,
    Woman,
    WomanEventKind,
    WomanStatus,
)
from fuqing.registry.records import ensure_can_change, ensure_open, record_event
from fuqing.registry.validators import IdNumber, normalise_name, parse_id_number, parse_phone

MAX_NOTES = 2000
NAME_CHARS = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134fA-Za-z·]+$")
MALE_CODE = "REG-1-male"


# --- shared checks --------------------------------------------------------------------------------


def eligible_orgs(user):
    """Units a woman can be registered under: active federations in the user's edit scope."""
    return (
        Org.objects.editable_by(user).filter(is_active=True).exclude(kind=OrgKind.DEPARTMENT).order_by("path")
    )


def check_org(actor, org: Org | None) -> None:
    if org is None:
        raise ValidationError({"org": _("请选择所属社区(村)。")}, code="REG-1")
    if actor is not None and not user_scope(actor).covers(org.path, edit=True):
        raise ValidationError({"org": _("所属社区(村)不在您的管理范围内。")}, code="ORG-3")
    if not org.is_active or org.kind == OrgKind.DEPARTMENT:
        raise ValidationError(
            {"org": _("妇女档案只能登记在有效的妇联组织之下，不能登记在部室。")}, code="REG-1"
        )


# --- validating a record's fields ----------------------------------------------------------------


@dataclass
class Cleaned:
    values: dict
    id_number: IdNumber | None = None


def clean_fields(
    data: dict,
    *,
    partial: bool = False,
    today: datetime.date | None = None,
    health_consent: bool | None = None,
) -> Cleaned:
    """Validate the personal fields present in ``data``; raise one ValidationError naming them all.

    ``partial``: only the keys given are checked (corrections). A man's ID number needs
    ``confirm_male`` (a warning the user confirms, not a refusal). ``health_consent``: when given,
    health notes without her separate consent (SEC-9) are refused in the same pass, so the user sees
    every error at once.
    """
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    values: dict = {}
    parsed_id = None

    def fail(field, message, code="REG-1"):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not partial or "name" in data:
        name = normalise_name(data.get("name"))
        if not name:
            fail("name", _("姓名不能为空。"))
        elif len(name) > 50:
            fail("name", _("姓名不能超过 50 个字。"))
        elif not NAME_CHARS.match(name):
            fail("name", _("姓名只能包含汉字、字母和间隔号“·”。"))
        values["name"] = name
    if not partial or "id_number" in data:
        raw = data.get("id_number")
        if raw in (None, ""):
            fail("id_number", _("身份证号不能为空（用于查重）。"), "REG-4")
        else:
            try:
                parsed_id = parse_id_number(raw, today=today)
            except CellError as exc:
                fail("id_number", str(exc))
            else:
                values["id_number"] = parsed_id.value
                if parsed_id.male and not data.get("confirm_male"):
                    fail(
                        "id_number",
                        _(
                            "身份证号第 17 位为奇数，表示男性。请核对；"
                            "如确为本人号码，请勾选“确认登记”后再保存。"
                        ),
                        MALE_CODE,
                    )
    if not partial or "phone" in data:
        try:
            values["phone"] = parse_phone(data.get("phone"))
        except CellError as exc:
            fail("phone", str(exc))
    for field, limit, label in (
        ("address", 200, _("住址")),
        ("household_notes", MAX_NOTES, _("家庭情况")),
        ("health_notes", MAX_NOTES, _("健康状况")),
    ):
        if not partial or field in data:
            value = str(data.get(field) or "").strip()
            if field == "address":
                value = cells.text(value)
            if len(value) > limit:
                fail(field, _("%(f)s不能超过 %(n)d 个字。") % {"f": label, "n": limit})
            values[field] = value
    if not partial or "registered_on" in data:
        day = data.get("registered_on") or today
        if isinstance(day, str):
            try:
                day = cells.date(day)
            except CellError as exc:
                fail("registered_on", str(exc))
                day = today
        if day > today:
            fail("registered_on", _("登记日期不能晚于今天。"))
        elif day.year < 1990:
            fail("registered_on", _("登记日期不能早于 1990 年。"))
        values["registered_on"] = day
    if "groups" in data:
        values["groups"] = list(data.get("groups") or [])
    if health_consent is not None and values.get("health_notes") and not health_consent:
        fail("health_notes", privacy.health_consent_message(), "SEC-9")
    if errors:
        raise ValidationError(errors)
    return Cleaned(values, parsed_id)


def id_number_index(value: str) -> str:
    """The blind index other apps use to find a woman by ID number (projects' beneficiaries ledger):
    the number normalised as the registry stores it (lowercase x, full-width digits, 15 digits)."""
    try:
        value = parse_id_number(value).value
    except CellError:
        value = str(value or "").strip().upper()
    return blind_index(value, "id_number")


def find_by_id_number(id_number: str) -> Woman | None:
    """The open record (in the register or closed, not merged or removed) holding this number."""
    index = blind_index(id_number, "id_number")
    for woman in Woman.objects.filter(id_number_index=index).select_related("org").order_by("status"):
        if woman.status in (WomanStatus.ACTIVE, WomanStatus.INACTIVE):
            return woman
    return None


class DuplicateIdNumber(ValidationError):
    """REG-4: the number is registered already. ``existing`` is set only when the user may see it."""

    status_code = 409  # the API answers a conflict, naming ``existing``

    def __init__(self, existing: Woman | None, visible: bool):
        if visible:
            message = _("该身份证号已登记（档案编号 %(f)s），不能重复登记。") % {"f": existing.file_number}
        else:
            message = _("该身份证号已在您管理范围以外的单位登记，不能重复登记；如需调整请联系上级妇联。")
        super().__init__({"id_number": [ValidationError(message, code="REG-4")]})
        self.existing = existing if visible else None


def check_unique_id(actor, id_number: str, exclude: Woman | None = None) -> None:
    existing = find_by_id_number(id_number)
    if existing is None or (exclude is not None and existing.pk == exclude.pk):
        return
    visible = actor is None or Woman.objects.visible_to(actor).filter(pk=existing.pk).exists()
    raise DuplicateIdNumber(existing, visible)


def _groups(values) -> list[VulnerableGroup]:
    items = list(values or [])
    if all(isinstance(g, VulnerableGroup) for g in items):
        return items
    codes = [str(g) for g in items]
    found = list(VulnerableGroup.objects.filter(Q(code__in=codes) | Q(name__in=codes), is_active=True))
    known = {g.code for g in found} | {g.name for g in found}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            {"groups": _("未知的困难群体：%(g)s。") % {"g": "、".join(unknown)}}, code="REG-2"
        )
    return found


# --- registering and correcting ------------------------------------------------------------------


@transaction.atomic
def register_woman(
    actor,
    *,
    org: Org,
    name: str,
    id_number: str,
    phone: str = "",
    address: str = "",
    groups=(),
    household_notes: str = "",
    health_notes: str = "",
    registered_on: datetime.date | None = None,
    confirm_male: bool = False,
    health_consent: bool = False,
    notice_version: str = "",
    source: str = "form",
) -> Woman:
    """REG-1: a new record. The same ID number twice is refused (REG-4); health notes need her separate
    consent to the health purpose (SEC-9), given on this form or recorded before."""
    if actor is not None:
        require(actor, "registry", "edit")
    check_org(actor, org)
    cleaned = clean_fields(
        {
            "name": name,
            "id_number": id_number,
            "phone": phone,
            "address": address,
            "household_notes": household_notes,
            "health_notes": health_notes,
            "registered_on": registered_on,
            "confirm_male": confirm_male,
        },
        health_consent=health_consent,
    )
    values = cleaned.values
    group_list = _groups(groups)
    check_unique_id(actor, values["id_number"])
    woman = Woman(
        org=org,
        name=values["name"],
        address=values["address"],
        household_notes=values["household_notes"],
        health_notes=values["health_notes"],
        registered_on=values["registered_on"],
        source=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    woman.set_id_number(cleaned.id_number.value, cleaned.id_number.birth_date)
    woman.phone = values["phone"]
    woman.save()
    woman.groups.set(group_list)
    if health_consent:
        privacy.give_consent(
            actor,
            woman,
            ConsentPurpose.HEALTH,
            notice_version or privacy.notice_version(),
            values["registered_on"],
        )
    details = {"groups": sorted(g.code for g in group_list), "source": source}
    if cleaned.id_number.male:
        details["male_number_confirmed"] = True
    audit.record(AuditAction.CREATE, actor=actor, obj=woman, details=details)
    return woman


def correction_consent(woman: Woman, changes: dict, given: bool = False) -> bool | None:
    """For ``clean_fields``: whether a correction's new health notes have her consent (SEC-9), recorded
    before or ``given`` on the form; None when the health notes do not change."""
    notes = str(changes.get("health_notes") or "").strip()
    if not notes or notes == woman.health_notes:
        return None
    return given or privacy.has_consent(woman, ConsentPurpose.HEALTH)


CORRECTABLE = ("name", "id_number", "phone", "address", "household_notes", "health_notes", "registered_on")


@transaction.atomic
def update_woman(
    actor, woman: Woman, *, reason: str = "", org: Org | None = None, groups=None, **changes
) -> Woman:
    """Correct a record (REG-5). Only the fields given change; personal values never reach the logs,
    only the names of the fields that changed."""

    ensure_can_change(actor, woman)
    ensure_open(woman)
    unknown = set(changes) - {*CORRECTABLE, "confirm_male"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    cleaned = clean_fields(changes, partial=True, health_consent=correction_consent(woman, changes))
    values = cleaned.values
    changed: list[str] = []
    if org is not None and org.pk != woman.org_id:
        check_org(actor, org)
        woman.org = org
        changed.append("org")
    if "id_number" in values and values["id_number"] != woman.id_number:
        check_unique_id(actor, values["id_number"], exclude=woman)
        woman.set_id_number(values["id_number"], cleaned.id_number.birth_date)
        changed.append("id_number")
    for field in ("name", "phone", "address", "household_notes", "health_notes", "registered_on"):
        if field in values and values[field] != getattr(woman, field):
            setattr(woman, field, values[field])
            changed.append(field)
    if groups is not None:
        new_groups = _groups(groups)
        if {g.pk for g in new_groups} != set(woman.groups.values_list("pk", flat=True)):
            woman.groups.set(new_groups)
            changed.append("groups")
    if not changed:
        return woman
    woman.save()
    reason = (reason or "").strip()[:200]
    record_event(woman, WomanEventKind.CORRECTED, actor, fields=changed, reason=reason)
    audit.record(AuditAction.UPDATE, actor=actor, obj=woman, details={"fields": changed, "reason": reason})
    return woman


__all__ = ["merge_women", "register_woman", "update_woman"]
