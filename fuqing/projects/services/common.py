"""Checks shared by the projects services."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core.scoping import can_edit, get_visible_or_404, user_scope
from fuqing.projects.access import require_edit


def check_editor(actor) -> None:
    if actor is not None:
        require_edit(actor)


def require_org(actor, org, field: str = "org") -> None:
    """The unit must lie in the actor's edit scope (SEC-3: no writes beyond one's own subtree)."""
    if org is None:
        raise ValidationError({field: _("请选择单位。")}, code="ORG-3")
    if actor is not None and not user_scope(actor).covers(org.path, edit=True):
        raise PermissionDenied(_("“%(org)s”不在您可以填报的范围内。") % {"org": org.name})


def require_in_project_area(project, org, field: str = "org") -> None:
    """Records of a project belong to its organisation's subtree."""
    if not org.path.startswith(project.org.path):
        raise ValidationError(
            {
                field: _("“%(org)s”不在项目主办单位“%(p)s”的范围内。")
                % {"org": org.name, "p": project.org.name}
            },
            code="PRJ-1",
        )


def visible(actor, model_or_qs, **lookup):
    """An object the actor may see (None: the demo loader or synth acting without a user)."""
    if actor is None:
        qs = model_or_qs if not isinstance(model_or_qs, type) else model_or_qs._default_manager
        return qs.get(**lookup)
    return get_visible_or_404(model_or_qs, actor, **lookup)


def require_editable_object(actor, obj) -> None:
    if actor is not None and not can_edit(actor, obj):
        raise PermissionDenied(_("只读范围：您可以查看该单位的数据，但不能修改。"))


def amount(value, field: str, label: str, *, required: bool = False, minimum: Decimal = Decimal(0)):
    """A non-negative number with at most two decimals (targets, values, yuan)."""
    if value is None or value == "":
        if required:
            raise ValidationError({field: _("%(f)s不能为空。") % {"f": label}}, code="PRJ-1")
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("%(f)s应为数字。") % {"f": label}}, code="PRJ-1") from None
    if not number.is_finite():
        raise ValidationError({field: _("%(f)s应为数字。") % {"f": label}}, code="PRJ-1")
    if number < minimum:
        raise ValidationError({field: _("%(f)s不能小于 %(m)s。") % {"f": label, "m": minimum}}, code="PRJ-1")
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: _("%(f)s最多保留两位小数。") % {"f": label}}, code="PRJ-1")
    if number >= Decimal("1e14"):
        raise ValidationError({field: _("%(f)s过大。") % {"f": label}}, code="PRJ-1")
    return number.quantize(Decimal("0.01"))


def in_year(day: datetime.date | None, year: int, field: str, label: str) -> datetime.date:
    if day is None:
        raise ValidationError({field: _("%(f)s不能为空。") % {"f": label}}, code="PRJ-1")
    if day.year != year:
        raise ValidationError(
            {field: _("%(f)s应在项目年度（%(y)d年）内。") % {"f": label, "y": year}}, code="PRJ-1"
        )
    if day > timezone.localdate():
        raise ValidationError({field: _("%(f)s不能晚于今天。") % {"f": label}}, code="PRJ-1")
    return day


def plain(value) -> str:
    """A number as typed: 120.00 → "120", 12.50 → "12.5" (never 1.2E+2)."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
