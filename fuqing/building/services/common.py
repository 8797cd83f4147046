"""What every building service needs: the permission and scope checks, and the audit record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit, user_scope
from fuqing.orgs.models import OrgKind

FEDERATION_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)


def require_edit(actor, org=None) -> None:
    """``building.edit`` and, for a unit, the right to change its data."""
    require(actor, "building", "edit")
    if org is not None and not user_scope(actor).covers(org.path, edit=True):
        raise PermissionDenied(_("只读范围：您可以查看该单位的数据，但不能修改。"))


def require_edit_obj(actor, obj) -> None:
    require(actor, "building", "edit")
    if not can_edit(actor, obj):
        raise PermissionDenied(_("只读范围：您可以查看该单位的数据，但不能修改。"))


def record(action, actor, obj, **details) -> None:
    audit.record(action, actor=actor, obj=obj, details={k: str(v) for k, v in details.items()})


def required_text(value, field: str, label: str, code: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("%(label)s不能为空。") % {"label": label}}, code=code)
    if len(value) > max_length:
        raise ValidationError(
            {field: _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}}, code=code
        )
    return value


def federation_unit(org, field: str, code: str) -> None:
    if org.kind not in FEDERATION_KINDS:
        raise ValidationError({field: _("只能是妇联组织（不能是部室或妇女小组）。")}, code=code)


def not_future(day, field: str, label: str, code: str, today) -> None:
    if day is not None and day > today:
        raise ValidationError({field: _("%(label)s不能晚于今天。") % {"label": label}}, code=code)
