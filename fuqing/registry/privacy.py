"""Her rights over her data: consent per purpose and retention (SEC-9), unmasking with a reason (REG-3),
closing, removal on request and export for her (REG-5)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.registry.models import (
    ANONYMISED_NAME,
    UNMASKABLE_FIELDS,
    CloseReason,
    Consent,
    ConsentPurpose,
    Woman,
    WomanEventKind,
    WomanStatus,
)
from fuqing.registry.records import ensure_can_change, ensure_open, record_event

MIN_REASON = 4


def notice_version() -> str:
    return getattr(settings, "REGISTRY_NOTICE_VERSION", "2014-1")


def retention_days() -> int:
    return int(getattr(settings, "REGISTRY_RETENTION_DAYS", 1095))


def health_consent_message() -> str:
    return _("记录健康状况须先取得本人对“健康信息”用途的单独同意。")


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError({field: _("请说明理由（至少 %(n)d 个字）。") % {"n": MIN_REASON}}, code="REG-3")
    return reason[:200]


# --- consent (SEC-9) ------------------------------------------------------------------------------


def has_consent(woman: Woman, purpose: str) -> bool:
    return Consent.objects.filter(woman=woman, purpose=purpose).in_force().exists()


@transaction.atomic
def give_consent(
    actor, woman: Woman, purpose: str, version: str = "", given_on: datetime.date | None = None
) -> Consent:
    """Record her consent to one purpose under a version of the notice; one in force per purpose."""
    if actor is not None:
        ensure_can_change(actor, woman)
    ensure_open(woman)
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("未知的用途。")}, code="SEC-9")
    version = (version or notice_version()).strip()[:30]
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("同意日期不能晚于今天。")}, code="SEC-9")
    current = Consent.objects.filter(woman=woman, purpose=purpose).in_force().first()
    if current is not None:
        if current.notice_version == version:
            raise ValidationError(
                {
                    "purpose": _("她已同意“%(p)s”（告知书 %(v)s），无需重复记录。")
                    % {"p": current.get_purpose_display(), "v": version}
                },
                code="SEC-9",
            )
        current.withdrawn_on = given_on  # superseded by consent to the new notice
        current.save(update_fields=["withdrawn_on"])
    consent = Consent.objects.create(
        woman=woman,
        purpose=purpose,
        notice_version=version,
        given_on=given_on,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(woman, WomanEventKind.CONSENT_GIVEN, actor, purpose=purpose, notice_version=version)
    audit.record(
        AuditAction.GRANT, actor=actor, obj=woman, details={"consent": purpose, "notice_version": version}
    )
    return consent


@transaction.atomic
def withdraw_consent(actor, consent: Consent, withdrawn_on: datetime.date | None = None) -> Consent:
    """She withdraws: the date is kept; data held only under that consent is erased (PIPL art. 47)."""
    woman = consent.woman
    ensure_can_change(actor, woman)
    if not consent.in_force:
        raise ValidationError(_("该同意已于 %(d)s 撤回。") % {"d": consent.withdrawn_on}, code="SEC-9")
    withdrawn_on = withdrawn_on or timezone.localdate()
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("撤回日期不能早于同意日期。")}, code="SEC-9")
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    erased = []
    if consent.purpose == ConsentPurpose.HEALTH and not has_consent(woman, ConsentPurpose.HEALTH):
        if woman.has_health_notes:
            woman.health_notes = ""
            woman.save(update_fields=["health_notes", "updated_at"])
            erased.append("health_notes")
    record_event(woman, WomanEventKind.CONSENT_WITHDRAWN, actor, purpose=consent.purpose, erased=erased)
    audit.record(
        AuditAction.REVOKE, actor=actor, obj=woman, details={"consent": consent.purpose, "erased": erased}
    )
    return consent


# --- consent to sensitive help (SEC-9) -------------------------------------------------------------

# Words that make a project's help or a help kind health-related (a 两癌 screening, a health project):
# the help then needs her consent to the health purpose. Broad on purpose: a false match asks for a
# consent, a missed one would process health data without it.
HEALTH_WORDS = ("健康", "两癌", "筛查", "体检", "医", "病", "癌", "康复", "孕", "心理")


def health_related(*texts: str) -> bool:
    return any(word in (text or "") for text in texts for word in HEALTH_WORDS)


def can_record_consent_exception(user) -> bool:
    """Who may record help without her consent as a documented exception: ``registry.approve``."""
    return user is not None and user.has_module_perm("registry", "approve")


def consent_states(woman_ids, purpose: str) -> dict:
    """For imports, in one query: woman id → the withdrawal dates of her consents to ``purpose``
    (None for one in force); women without any are absent. Pass as ``check_help_consent(states=…)``."""
    states: dict = {}
    rows = Consent.objects.filter(woman_id__in=list(woman_ids), purpose=purpose).values_list(
        "woman_id", "withdrawn_on"
    )
    for woman_id, withdrawn_on in rows:
        states.setdefault(woman_id, []).append(withdrawn_on)
    return states


def check_help_consent(
    actor,
    woman: Woman | None,
    purpose: str,
    *,
    field: str = "woman",
    exception_reason: str = "",
    states: dict | None = None,
) -> str:
    """SEC-9: funds or health help for a woman needs her consent to that purpose, in force.

    Without it the help is refused, unless a user who may (``registry.approve``) states why it is given
    anyway: a documented exception, whose reason is returned for ``record_consent_exception``. After she
    withdrew her consent nothing of that purpose is accepted, exception or not. Only checks; writes
    nothing (services call it before they write). Returns "" when her consent is in force."""
    if woman is None or not purpose:
        return ""
    if states is not None:
        withdrawn = states.get(woman.pk, [])
    else:
        withdrawn = list(
            Consent.objects.filter(woman=woman, purpose=purpose).values_list("withdrawn_on", flat=True)
        )
    if any(day is None for day in withdrawn):
        return ""
    label = ConsentPurpose(purpose).label
    if withdrawn:
        raise ValidationError(
            {
                field: _("她已于 %(d)s 撤回对“%(p)s”用途的同意，不能再记录此类帮扶（SEC-9）。")
                % {"d": max(withdrawn), "p": label}
            },
            code="SEC-9",
        )
    reason = (exception_reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                field: _(
                    "她尚未同意“%(p)s”用途，不能记录此类帮扶（SEC-9）：请先在妇女档案中记录她的同意；"
                    "确需先行帮扶的，由具有妇女档案审核权限的人员填写“同意例外原因”。"
                )
                % {"p": label}
            },
            code="SEC-9",
        )
    if actor is not None and not can_record_consent_exception(actor):
        raise ValidationError(
            {"consent_exception": _("同意例外原因：只有具有妇女档案审核权限的人员才能登记同意例外。")},
            code="SEC-9",
        )
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {"consent_exception": _("同意例外原因：请说明理由（至少 %(n)d 个字）。") % {"n": MIN_REASON}},
            code="SEC-9",
        )
    return reason[:200]


def record_consent_exception(actor, woman: Woman, purpose: str, reason: str, obj) -> None:
    """Write down help given without her consent (after ``check_help_consent`` accepted the reason):
    on her record's history and in the audit log, naming the record, never a personal value."""
    if not reason:
        return
    record = f"{obj._meta.app_label}.{obj._meta.model_name}"
    record_event(
        woman,
        WomanEventKind.CONSENT_EXCEPTION,
        actor,
        purpose=purpose,
        reason=reason,
        record=record,
        id=str(obj.pk),
    )
    audit.record(
        AuditAction.GRANT,
        actor=actor,
        obj=woman,
        details={"consent_exception": purpose, "reason": reason, "record": record, "id": str(obj.pk)},
    )


# --- unmasking (REG-3) ----------------------------------------------------------------------------


def can_unmask(user) -> bool:
    return user.has_module_perm("registry", "unmask")


def unmask(actor, woman: Woman, field: str, reason: str) -> str:
    """Reveal one field of one woman for a stated reason; the access log keeps who, whom, what, why."""
    require(actor, "registry", "unmask")
    if field not in UNMASKABLE_FIELDS:
        raise ValidationError({"field": _("该字段不能查看明文。")}, code="REG-3")
    reason = _reason(reason)
    if woman.anonymised_at:
        raise ValidationError(_("该档案已匿名化，没有可显示的个人信息。"), code="REG-5")
    audit.record(AuditAction.UNMASK, actor=actor, obj=woman, details={"field": field, "reason": reason})
    return getattr(woman, field) or ""


# --- closing, removal, retention (REG-5, SEC-9) --------------------------------------------------


@transaction.atomic
def close_woman(actor, woman: Woman, reason: str, closed_on: datetime.date | None = None) -> Woman:
    """Take a record off the register (moved away, deceased …); its retention period starts now."""
    ensure_can_change(actor, woman)
    if woman.status != WomanStatus.ACTIVE:
        raise ValidationError(_("只有在册的档案可以注销。"), code="SEC-9")
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("请选择注销原因。")}, code="SEC-9")
    woman.status = WomanStatus.INACTIVE
    woman.closed_on = closed_on or timezone.localdate()
    woman.close_reason = reason
    woman.save(update_fields=["status", "closed_on", "close_reason", "updated_at"])
    record_event(woman, WomanEventKind.CLOSED, actor, reason=reason)
    audit.record(AuditAction.UPDATE, actor=actor, obj=woman, details={"status": "inactive", "reason": reason})
    return woman


@transaction.atomic
def reopen_woman(actor, woman: Woman) -> Woman:
    from fuqing.registry.services import check_unique_id

    ensure_can_change(actor, woman)
    if woman.status != WomanStatus.INACTIVE or woman.anonymised_at:
        raise ValidationError(_("只有已注销且未匿名化的档案可以恢复。"), code="SEC-9")
    if woman.id_number:
        check_unique_id(actor, woman.id_number, exclude=woman)
    woman.status, woman.closed_on, woman.close_reason = WomanStatus.ACTIVE, None, ""
    woman.save(update_fields=["status", "closed_on", "close_reason", "updated_at"])
    record_event(woman, WomanEventKind.REOPENED, actor)
    audit.record(AuditAction.UPDATE, actor=actor, obj=woman, details={"status": "active"})
    return woman


PERSONAL_FIELDS = ("name", "id_number", "phone", "address", "household_notes", "health_notes", "birth_date")


def _anonymise(woman: Woman) -> None:
    """Erase every personal field; keep what aggregates count (unit, groups, birth year, dates)."""
    birth_year = woman.birth_year  # kept for counts by age
    woman.name = ANONYMISED_NAME
    woman.set_id_number("", None)
    woman.birth_year = birth_year
    woman.phone = ""
    woman.address = ""
    woman.household_notes = ""
    woman.health_notes = ""
    woman.anonymised_at = timezone.now()


@transaction.atomic
def remove_woman(actor, woman: Woman, reason: str) -> Woman:
    """REG-5: removal on her request — personal fields anonymised at once, the record counted still."""
    ensure_can_change(actor, woman)
    ensure_open(woman)
    reason = _reason(reason)
    _anonymise(woman)
    woman.status = WomanStatus.REMOVED
    woman.closed_on = timezone.localdate()
    woman.save()
    record_event(woman, WomanEventKind.REMOVED, actor, reason=reason)
    audit.record(AuditAction.DELETE, actor=actor, obj=woman, details={"reason": reason, "anonymised": True})
    return woman


def anonymise_expired(today: datetime.date | None = None, days: int | None = None, batch: int = 500) -> int:
    """SEC-9: anonymise closed records (注销, merged, removed) whose retention period has run out.

    Run daily by ``manage.py anonymise_expired`` (cron) or the ``anonymise_expired_task`` task."""
    today = today or timezone.localdate()
    days = retention_days() if days is None else days
    total = 0
    while True:
        with transaction.atomic():
            ids = list(Woman.objects.past_retention(today, days).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            for woman in Woman.objects.filter(pk__in=ids).select_for_update():
                _anonymise(woman)
                woman.save()
                record_event(woman, WomanEventKind.ANONYMISED, None, retention_days=days)
            total += len(ids)
    if total:
        audit.record(
            AuditAction.UPDATE,
            username="retention",
            object_type="registry.woman",
            object_repr=_("保存期满匿名化"),
            details={"anonymised": total, "retention_days": days},
        )
    return total


def require_export_for_her(actor, woman: Woman) -> None:
    require(actor, "registry", "export")
    if not can_unmask(actor):
        raise PermissionDenied(_("为本人导出个人信息需要“查看明文个人信息”权限。"))
    if woman.anonymised_at:
        raise ValidationError(_("该档案已匿名化，没有可导出的个人信息。"), code="REG-5")
