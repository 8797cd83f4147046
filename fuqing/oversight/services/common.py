"""Checks the oversight services share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from fuqing.core.scoping import user_scope


def invalid(errors: dict, code: str) -> ValidationError:
    """Field errors that keep the SPEC rule code (as campaigns' ``invalid``)."""
    return ValidationError({f: ValidationError(m, code=code) for f, m in errors.items()})


def check_perm(actor, action: str) -> None:
    if actor is not None and not actor.has_module_perm("oversight", action):
        raise PermissionDenied(_("您没有督查考核的这项权限。"))


def check_edits(actor, org) -> None:
    """The actor may change ``org``'s data (None: a system step such as the demo or synth)."""
    if actor is None:
        return
    check_perm(actor, "edit")
    if not user_scope(actor).covers(org.path, edit=True):
        raise PermissionDenied(_("只读范围：您可以查看该单位的数据，但不能修改。"))
