"""Merging two records of the same woman (REG-4): check, then execute with its history and audit.

The merged record stays, pointing at the survivor (``merged_into``), so its history and every id that
was ever handed out still lead somewhere. Rows of other apps are re-pointed through
``fuqing.registry.hooks``; the survivor's empty fields are filled from the merged record.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.registry import hooks
from fuqing.registry.models import Consent, Woman, WomanEventKind, WomanStatus
from fuqing.registry.records import ensure_can_change, record_event

FILLABLE = ("phone", "address", "household_notes")


class MergeWomen:
    def __init__(self, actor, survivor: Woman, merged: Woman, reason: str = ""):
        self.actor, self.survivor, self.merged = actor, survivor, merged
        self.reason = (reason or "").strip()[:200]

    def check(self) -> None:
        ensure_can_change(self.actor, self.survivor)
        ensure_can_change(self.actor, self.merged)
        if self.survivor.pk == self.merged.pk:
            raise ValidationError({"other": _("不能把档案与它自己合并。")}, code="REG-4")
        for woman in (self.survivor, self.merged):
            if woman.status != WomanStatus.ACTIVE:
                raise ValidationError(
                    {
                        "other": _("档案 %(f)s 不在册（%(s)s），不能合并。")
                        % {"f": woman.file_number, "s": woman.get_status_display()}
                    },
                    code="REG-4",
                )
        if len(self.reason) < 2:
            raise ValidationError({"reason": _("请说明合并理由。")}, code="REG-4")

    @transaction.atomic
    def execute(self) -> Woman:
        self.check()
        survivor = Woman.objects.select_for_update().get(pk=self.survivor.pk)
        merged = Woman.objects.select_for_update().get(pk=self.merged.pk)
        filled = self._fill(survivor, merged)
        # the merged record leaves the register first, so the survivor may take over its ID number
        merged.status = WomanStatus.MERGED
        merged.merged_into = survivor
        merged.closed_on = timezone.localdate()
        merged.save(update_fields=["status", "merged_into", "closed_on", "updated_at"])
        if filled:
            survivor.save()
        Woman.objects.filter(merged_into=merged).update(merged_into=survivor)
        survivor.groups.add(*merged.groups.all())
        consents = Consent.objects.filter(woman=merged).update(woman=survivor)
        moved = hooks.repoint_related(survivor, merged, self.actor)
        record_event(
            survivor,
            WomanEventKind.MERGED_FROM,
            self.actor,
            other=merged.file_number,
            filled=filled,
            moved=moved,
            reason=self.reason,
        )
        record_event(
            merged, WomanEventKind.MERGED_INTO, self.actor, other=survivor.file_number, reason=self.reason
        )
        details = {"merged": str(merged.pk), "filled": filled, "consents": consents, "moved": moved}
        audit.record(
            AuditAction.UPDATE, actor=self.actor, obj=survivor, details={**details, "reason": self.reason}
        )
        audit.record(
            AuditAction.UPDATE, actor=self.actor, obj=merged, details={"merged_into": str(survivor.pk)}
        )
        hooks.women_merged.send(sender=Woman, survivor=survivor, merged=merged, actor=self.actor)
        return survivor

    @staticmethod
    def _fill(survivor: Woman, merged: Woman) -> list[str]:
        filled = []
        if not survivor.id_number and merged.id_number:
            survivor.set_id_number(merged.id_number, merged.birth_date)
            filled.append("id_number")
        for field in FILLABLE:
            if not getattr(survivor, field) and getattr(merged, field):
                setattr(survivor, field, getattr(merged, field))
                filled.append(field)
        if not survivor.health_notes and merged.health_notes:
            survivor.health_notes = merged.health_notes  # her consent moves with it
            filled.append("health_notes")
        if merged.registered_on < survivor.registered_on:
            survivor.registered_on = merged.registered_on
            filled.append("registered_on")
        return filled


def merge_women(actor, survivor: Woman, merged: Woman, reason: str = "") -> Woman:
    """REG-4: merge ``merged`` into ``survivor``; returns the survivor."""
    return MergeWomen(actor, survivor, merged, reason).execute()
