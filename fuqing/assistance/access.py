"""Who may change the needs register's rows (NEED-1, NEED-4): shared by the needs, pairings and
suggestions services, which build on one another, so it sits below all of them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fuqing.core.permissions import require
from fuqing.core.scoping import ensure_editable, user_scope


def require_edit(actor, obj=None) -> None:
    """The module permission, then (for an existing object) the edit scope (NEED-4: nothing is
    changed or closed by someone outside its scope). ``actor`` None is the platform itself (demo,
    synthetic data, management commands), never a request."""
    if actor is None:
        return
    require(actor, "assistance", "edit")
    if obj is not None:
        ensure_editable(actor, obj)


def check_org(actor, org, field: str = "org", code: str = "NEED-1") -> None:
    if org is None:
        raise ValidationError({field: _("请选择所属单位。")}, code=code)
    if actor is not None and not user_scope(actor).covers(org.path, edit=True):
        raise ValidationError({field: _("所属单位超出了您可以编辑的范围。")}, code=code)
