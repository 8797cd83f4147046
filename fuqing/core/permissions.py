"""Module permissions (ORG-4) and the three separate administrator kinds (SEC-5).

A role grants actions per module: view / edit / approve / export / unmask (view personal data
unmasked). Apps add their module here, so the role editor and the checks know it.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "view": _("查看"),
    "edit": _("编辑"),
    "approve": _("审核"),
    "export": _("导出"),
    "unmask": _("查看明文个人信息"),
}

# Modules in the order of the work (UI.md navigation).
MODULES = {
    "orgs": _("组织与人员"),
    "campaigns": _("活动与报送"),
    "fieldwork": _("下基层"),
    "registry": _("妇女档案"),
    "assistance": _("诉求与帮扶"),
    "projects": _("实事项目"),
    "research": _("调研"),
    "building": _("组织建设"),
    "oversight": _("考核"),
}

# 三权分立: no account holds two of these.
ADMIN_SYSTEM = "system"
ADMIN_SECURITY = "security"
ADMIN_AUDIT = "audit"
ADMIN_KINDS = {
    ADMIN_SYSTEM: _("系统管理员"),
    ADMIN_SECURITY: _("安全管理员"),
    ADMIN_AUDIT: _("审计管理员"),
}
# What each administrator kind may do (SEC-5): system runs the tree and the accounts, security
# grants roles and scopes and unlocks accounts, audit reads and exports the log.
ADMIN_ABILITIES = {
    ADMIN_SYSTEM: {"manage_tree", "manage_users", "manage_campaigns"},
    ADMIN_SECURITY: {"grant_roles", "manage_roles", "unlock_users"},
    ADMIN_AUDIT: {"read_audit"},
}


def all_codes() -> list[str]:
    return [f"{module}.{action}" for module in MODULES for action in ACTIONS]


def validate_codes(codes) -> list[str]:
    known = set(all_codes())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"unknown permission codes: {unknown}")
    return sorted(set(codes))


def require(user, module: str, action: str) -> None:
    """Raise PermissionDenied unless the user's roles grant ``module.action``."""
    if not user.has_module_perm(module, action):
        raise PermissionDenied(
            _("您没有“%(module)s”模块的“%(action)s”权限。")
            % {"module": MODULES[module], "action": ACTIONS[action]}
        )


ABILITY_LABELS = {
    "manage_tree": _("管理组织机构"),
    "manage_users": _("管理用户账户"),
    "manage_campaigns": _("管理活动设置"),
    "grant_roles": _("授予角色和数据范围"),
    "manage_roles": _("维护角色"),
    "unlock_users": _("解锁账户"),
    "read_audit": _("查询审计日志"),
}


def require_admin(user, ability: str) -> None:
    if not user.has_admin_ability(ability):
        raise PermissionDenied(
            _("只有具备“%(a)s”职能的管理员可以进行此操作。") % {"a": ABILITY_LABELS[ability]}
        )
