"""Beneficiaries (PRJ-4): who received which help of which project, when and how much.

The same help is counted once: the key is woman + project + help kind + date (a database constraint).
A woman may benefit from several projects and from several kinds of help; the indicators computed
from these records (人次, 人, 元) read them directly, so nobody types those figures again.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fuqing.core import audit, frame
from fuqing.core.models import AuditAction
from fuqing.orgs.models import Org
from fuqing.projects.models import Beneficiary, ElderlyPerson, Project
from fuqing.projects.services.common import (
    amount,
    check_editor,
    in_year,
    require_editable_object,
    require_in_project_area,
    require_org,
)
from fuqing.registry.models import ConsentPurpose, Woman, WomanStatus
from fuqing.registry.privacy import check_help_consent, health_related, record_consent_exception


def duplicate_message(woman: Woman, project: Project, help_kind: str, day: datetime.date) -> str:
    what = help_kind or project.name
    return _("%(w)s在%(d)s已记录过“%(h)s”，同一帮扶不重复计数。") % {
        "w": woman.masked_name,
        "d": f"{day:%Y-%m-%d}",
        "h": what,
    }


def check_help_kind(project: Project, help_kind: str) -> str:
    help_kind = (help_kind or "").strip()
    if project.help_kinds and help_kind not in project.help_kinds:
        raise ValidationError(
            {"help_kind": _("帮扶类别应为：%(k)s。") % {"k": "、".join(project.help_kinds)}}, code="PRJ-4"
        )
    if not project.help_kinds and help_kind:
        raise ValidationError({"help_kind": _("该项目没有设置帮扶类别，请留空。")}, code="PRJ-4")
    return help_kind


def check_woman(woman: Woman | None) -> Woman:
    if woman is None:
        raise ValidationError({"woman": _("请选择受益妇女（须已在妇女档案中登记）。")}, code="PRJ-4")
    if woman.status != WomanStatus.ACTIVE:
        raise ValidationError({"woman": _("该妇女档案已合并或删除，请选择在册的档案。")}, code="PRJ-4")
    return woman


def help_purposes(project: Project, help_kind: str, amount_yuan=None) -> tuple[str, ...]:
    """The consents a project's help needs (SEC-9): health for a health project or a health help kind
    (两癌筛查, 健康体检 …), finance when she receives money; none otherwise."""
    purposes = []
    if health_related(project.name, help_kind):
        purposes.append(ConsentPurpose.HEALTH)
    if amount_yuan is not None and amount_yuan > 0:
        purposes.append(ConsentPurpose.FINANCE)
    return tuple(purposes)


@transaction.atomic
def record_beneficiary(
    actor,
    *,
    project: Project,
    woman: Woman,
    org: Org,
    received_on: datetime.date,
    help_kind: str = "",
    amount_yuan=None,
    notes: str = "",
    consent_exception: str = "",
) -> Beneficiary:
    """Record that a woman received a project's help (PRJ-4). The woman must be visible to the actor
    (callers load her through ``Woman.objects.visible_to``). Health help (a health project, a 两癌
    screening) needs her consent to the health purpose (SEC-9), or ``consent_exception``: the reason a
    permitted user gives for helping without it."""
    check_editor(actor)
    require_org(actor, org)
    require_in_project_area(project, org)
    check_woman(woman)
    help_kind = check_help_kind(project, help_kind)
    day = in_year(received_on, project.year, "received_on", _("受助日期"))
    money = amount(amount_yuan, "amount", _("金额"))
    exceptions = {
        purpose: check_help_consent(actor, woman, purpose, field="woman", exception_reason=consent_exception)
        for purpose in help_purposes(project, help_kind, money)
    }
    if Beneficiary.objects.filter(
        woman=woman, project=project, help_kind=help_kind, received_on=day
    ).exists():
        raise ValidationError(
            {"received_on": duplicate_message(woman, project, help_kind, day)}, code="PRJ-4"
        )
    try:
        with transaction.atomic():
            beneficiary = Beneficiary.objects.create(
                project=project,
                help_kind=help_kind,
                woman=woman,
                org=org,
                year=day.year,
                received_on=day,
                amount=money,
                notes=(notes or "").strip()[:200],
                created_by=actor,
            )
    except IntegrityError:  # the same help recorded at the same moment by someone else
        raise ValidationError(
            {"received_on": duplicate_message(woman, project, help_kind, day)}, code="PRJ-4"
        ) from None
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=beneficiary,
        details={"project": project.pk, "help_kind": help_kind, "received_on": day},
    )
    for purpose, exception in exceptions.items():
        record_consent_exception(actor, woman, purpose, exception, beneficiary)
    return beneficiary


@transaction.atomic
def remove_beneficiary(actor, beneficiary: Beneficiary, reason: str) -> None:
    """Remove a record entered by mistake; the reason stays in the audit log."""
    check_editor(actor)
    require_editable_object(actor, beneficiary)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("删除受益人记录须说明原因。")}, code="PRJ-4")
    audit.record(
        AuditAction.DELETE,
        actor=actor,
        obj=beneficiary,
        details={"project": beneficiary.project_id, "reason": reason[:200]},
    )
    beneficiary.delete()


def repoint_benefits(duplicate: Woman, kept: Woman) -> int:
    """For the registry's merge (REG-4): move a duplicate's benefits to the kept record. A help both
    records received on the same day is the same help: the duplicate's row is dropped, not counted twice."""
    clashes = Beneficiary.objects.filter(
        woman=duplicate,
        project_id__in=Beneficiary.objects.filter(woman=kept).values("project_id"),
    )
    kept_keys = set(
        Beneficiary.objects.filter(woman=kept).values_list("project_id", "help_kind", "received_on")
    )
    same = [b.pk for b in clashes if (b.project_id, b.help_kind, b.received_on) in kept_keys]
    Beneficiary.objects.filter(pk__in=same).delete()
    frame.bump("projects")  # distinct women counted in the figures change
    return Beneficiary.objects.filter(woman=duplicate).update(woman=kept)


def repoint_woman(duplicate: Woman, kept: Woman) -> int:
    """Everything projects holds about a duplicate record, moved to the kept one."""

    moved = repoint_benefits(duplicate, kept)
    ElderlyPerson.objects.filter(woman=duplicate).update(woman=kept)
    return moved
