"""The ground every change to a woman's record stands on (REG-1, REG-5): who may change it, whether it is
still open, and the event written into her history. Services, consent (``privacy``) and merging all use
these; they import nothing of those modules, so none of them has to hide an import in a function."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit
from fuqing.registry.models import Woman, WomanEvent, WomanStatus


def ensure_can_change(actor, woman: Woman) -> None:
    require(actor, "registry", "edit")
    if not can_edit(actor, woman):
        raise PermissionDenied(_("只读范围：您可以查看该档案，但不能修改。"))


def ensure_open(woman: Woman) -> None:
    if woman.status in (WomanStatus.MERGED, WomanStatus.REMOVED):
        raise ValidationError(
            _("该档案已%(s)s，不能再修改。") % {"s": woman.get_status_display()}, code="REG-5"
        )


def record_event(woman: Woman, kind: str, actor=None, **details) -> WomanEvent:
    return WomanEvent.objects.create(
        woman=woman,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor),
        details=details,
    )


def _actor_name(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("系统")
    return actor.display_name
