"""Inspectors (督查员) are assigned units; they score a scheme's inspected items only there (SUP-1)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.core import audit, uploads
from fuqing.core.models import AuditAction
from fuqing.core.scoping import user_scope
from fuqing.orgs.models import Org
from fuqing.oversight.models import Assignment, InspectorScore, Item, ItemKind, Scheme
from fuqing.oversight.services.common import check_edits, check_perm, invalid

INSPECTOR_ROLE = "inspector"


def is_inspector(user) -> bool:
    return any(r.code == INSPECTOR_ROLE for r in getattr(user, "role_list", []))


@transaction.atomic
def assign(actor, scheme: Scheme, inspector, unit: Org) -> Assignment:
    """The city assigns an inspector to a unit under its scheme."""
    check_edits(actor, scheme.org)
    errors = {}
    if inspector is None or not is_inspector(inspector):
        errors["inspector"] = _("督查员：所选人员没有“督查员”角色。")
    if unit is None or not unit.path.startswith(scheme.org.path) or unit.pk == scheme.org_id:
        errors["unit"] = _("被考核单位：须是本方案考核范围内的下级单位。")
    if errors:
        raise invalid(errors, "SUP-1")
    found, created = Assignment.objects.get_or_create(scheme=scheme, inspector=inspector, unit=unit)
    if created:
        audit.record(AuditAction.CREATE, actor=actor, obj=found, details={"inspector": inspector.pk})
    return found


@transaction.atomic
def unassign(actor, assignment: Assignment) -> None:
    check_edits(actor, assignment.scheme.org)
    audit.record(AuditAction.DELETE, actor=actor, obj=assignment)
    assignment.delete()


def assigned_units(user, scheme: Scheme):
    return Org.objects.filter(
        pk__in=Assignment.objects.filter(scheme=scheme, inspector=user).values("unit_id")
    ).order_by("path")


@transaction.atomic
def score(actor, item: Item, unit: Org, *, points, comment: str, evidence=None, evidence_note: str = ""):
    """An inspector scores an inspected item for a unit she is assigned to: points between 0 and the
    item's weight, a comment, and evidence (a file or a note). Audited; refused once published."""
    check_perm(actor, "edit")
    scheme = item.scheme
    if not Assignment.objects.filter(scheme=scheme, inspector=actor, unit=unit).exists() or not user_scope(
        actor
    ).covers(unit.path):
        raise PermissionDenied(_("您没有被分配督查该单位，不能评分。"))
    errors = {}
    if Scheme.objects.filter(pk=scheme.pk, published_at__isnull=False).exists():
        errors["__all__"] = _("%(year)d年考核结果已公布，评分不能再修改。") % {"year": scheme.year}
    if item.kind != ItemKind.INSPECTED:
        errors["item"] = _("指标：该指标由数据计算，不由督查员评分。")
    try:
        value = Decimal(str(points).strip())
        if not value.is_finite() or value < 0 or value > item.weight:
            raise InvalidOperation
        value = value.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors["points"] = _("得分：须是0到%(max)s之间的数。") % {"max": item.weight}
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = _("评语：请写明评分理由。")
    kind = None
    if evidence is not None:
        try:
            kind = uploads.ATTACHMENTS.check(evidence, field="evidence", label=_("佐证材料"))
        except uploads.UploadError as exc:
            errors[exc.field] = str(exc)
    if errors:
        raise invalid(errors, "SUP-1")
    row = InspectorScore.objects.filter(item=item, unit=unit).first() or InspectorScore(item=item, unit=unit)
    row.points, row.comment, row.evidence_note, row.scored_by = (
        value,
        comment[:2000],
        evidence_note[:300],
        actor,
    )
    if kind is not None:
        with uploads.store_private(evidence, kind, "oversight") as stored:
            for name, data in stored.fields().items():
                setattr(row, name, data)
            row.save()
    else:
        row.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=row, details={"item": item.pk, "points": str(value)})
    return row
