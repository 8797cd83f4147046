"""The vulnerable-group dictionary (REG-2): the seven groups of the notice, extended by administrators.

The dictionary is platform-wide configuration, like roles: every unit counts by the same groups, so only
a system administrator of the root organisation (``manage_tree``, SEC-5) edits it — the same
administrator who runs the tree, never one holding business permissions (decision D33).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require_admin
from fuqing.registry.models import VulnerableGroup


def can_manage(user) -> bool:
    return user.has_admin_ability("manage_tree") and user.org is not None and user.org.depth == 1


def require_manage(user) -> None:
    require_admin(user, "manage_tree")
    if user.org is None or user.org.depth != 1:
        raise PermissionDenied(_("困难群体字典对全系统生效，只有顶层单位的系统管理员可以维护。"))


@transaction.atomic
def save_group(
    actor, group: VulnerableGroup | None, *, code: str, name: str, sort: int = 100, is_active: bool = True
) -> VulnerableGroup:
    require_manage(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("名称不能为空。")}, code="REG-2")
    clash = VulnerableGroup.objects.filter(name=name)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"name": _("已有名为“%(n)s”的群体。") % {"n": name}}, code="REG-2")
    if group is None:
        if VulnerableGroup.objects.filter(code=code).exists():
            raise ValidationError({"code": _("代码“%(c)s”已被使用。") % {"c": code}}, code="REG-2")
        group = VulnerableGroup(code=code)
    elif group.is_builtin and (name != group.name or not is_active):
        raise ValidationError({"name": _("SPEC 规定的七类群体不能改名或停用，只能调整排序。")}, code="REG-2")
    creating = group.pk is None
    group.name, group.sort, group.is_active = name, sort, is_active
    group.full_clean()
    group.save()
    audit.record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor,
        obj=group,
        details={"code": group.code, "name": name, "active": is_active},
    )
    return group
