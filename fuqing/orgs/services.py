"""Rules for the tree, accounts, roles and scopes (ORG-1, ORG-4, ORG-5, SEC-3, SEC-5, SEC-6).

Every function takes the acting user first, checks her administrator ability and that the objects lie
inside her own scope (delegation, SEC-3), writes in a transaction, and records the change.
"""

from __future__ import annotations

import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import analytics, audit, frame
from fuqing.core.models import AuditAction
from fuqing.core.permissions import ADMIN_KINDS, require_admin, validate_codes
from fuqing.core.scoping import user_scope
from fuqing.orgs.models import ALLOWED_PARENTS, ApiToken, LoginSession, Org, OrgKind, Role, ScopeGrant, User

DIVISION_CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def lockout_message() -> str:
    """What a locked account is told (SEC-6), on the login page and by the API."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("该账户连续 %(n)d 次登录失败，已被锁定 %(m)d 分钟。请稍后再试，或联系安全管理员解锁。") % {
        "n": settings.AXES_FAILURE_LIMIT,
        "m": minutes,
    }


def _require_in_scope(actor, org: Org, what: str) -> None:
    """SEC-3: an administrator acts only inside her own subtree (and edit grants)."""
    if org is None or not user_scope(actor).covers(org.path, edit=True):
        raise PermissionDenied(_("%(what)s超出了您的管理范围。") % {"what": what})


def _require_account_in_scope(actor, subject: User) -> None:
    """SEC-3: the account and everything it can reach lie inside the administrator's own scope, so
    acting on it (a password, roles, grants) never reaches beyond her subtree."""
    _require_in_scope(actor, subject.org, _("该用户"))
    actor_scope = user_scope(actor)
    reach = [g.org.path for g in subject.scope_grants.select_related("org")]
    if not all(actor_scope.covers(path, edit=True) for path in reach):
        raise PermissionDenied(_("该用户的数据范围超出了您的管理范围。"))


def _refuse_administrator_account(subject: User, what: str) -> None:
    """SEC-5: no administrator takes over, disables or changes another administrator's account in the
    platform; that is done on the server (manage.py create_admin / reset_admin), and audited."""
    if subject.is_administrator:
        raise PermissionDenied(
            _("%(what)s：管理员账户只能由运维人员在服务器上用 manage.py reset_admin 处理（三权分立）。")
            % {"what": what}
        )


ORG_VIEWERS = ("manage_tree", "manage_users", "grant_roles", "unlock_users")


def administrators():
    """Accounts holding an administrator role (SEC-5: security, audit, system administrators). They run
    the platform and take no part in the federation's work: never a visit's lead or member, a contact
    point's leader (fieldwork), a research topic's leader or a 求实杯 judge (research). The one definition
    every app uses (D62)."""
    return User.objects.filter(roles__admin_kind__gt="")


def is_administrator_account(user) -> bool:
    """Whether ``user`` is one of ``administrators()`` (any role with an ``admin_kind``), read from her roles
    (prefetch ``roles`` when asking of many)."""
    return user is not None and any(role.admin_kind for role in user.role_list)


def require_org_view(user) -> None:
    """The tree is seen with the orgs module's view permission or as one of its administrators."""
    if not (user.has_module_perm("orgs", "view") or any(user.has_admin_ability(a) for a in ORG_VIEWERS)):
        raise PermissionDenied(_("您没有查看组织的权限。"))


# --- the tree -------------------------------------------------------------------------------------


# The kind a user most likely adds under each parent comes first in the form.
_CHILD_PREFERENCE = [
    OrgKind.TOWNSHIP,
    OrgKind.COMMUNITY,
    OrgKind.WOMENS_GROUP,
    OrgKind.DISTRICT,
    OrgKind.CITY,
    OrgKind.DEPARTMENT,
]


def child_kinds(parent_kind: str) -> list[str]:
    return [k for k in _CHILD_PREFERENCE if parent_kind in ALLOWED_PARENTS[k]]


def _check_placement(kind: str, parent: Org | None, name: str, exclude: Org | None = None) -> None:
    allowed = ALLOWED_PARENTS.get(kind)
    if allowed is None:
        raise ValidationError({"kind": _("未知的组织类型。")}, code="ORG-1")
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        raise ValidationError(
            {
                "parent": _("%(kind)s不能设在%(parent)s之下。")
                % {
                    "kind": OrgKind(kind).label,
                    "parent": OrgKind(parent_kind).label if parent_kind else _("顶层"),
                }
            },
            code="ORG-1",
        )
    siblings = Org.objects.get_children(parent) if parent else Org.objects.get_root_nodes()
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.filter(name=name).exists():
        raise ValidationError(
            {"name": _("同一上级下已有名为“%(name)s”的组织。") % {"name": name}}, code="ORG-1"
        )


def _check_division_code(code: str, year, exclude: Org | None = None) -> None:
    if not code:
        return
    if not DIVISION_CODE.match(code):
        raise ValidationError({"division_code": _("行政区划代码应为 6、9 或 12 位数字。")}, code="ORG-1")
    clash = Org.objects.filter(division_code=code, is_active=True)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError(
            {"division_code": _("行政区划代码 %(code)s 已被其他组织使用。") % {"code": code}}, code="ORG-1"
        )
    if year is not None and not 1980 <= int(year) <= 2100:
        raise ValidationError({"code_year": _("代码年份应为四位年份。")}, code="ORG-1")


@transaction.atomic
def add_org(
    actor, *, parent: Org | None, name: str, kind: str, division_code: str = "", code_year=None
) -> Org:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("名称不能为空。")}, code="ORG-1")
    if actor is not None:
        require_admin(actor, "manage_tree")
        if parent is None:
            raise PermissionDenied(_("只能在您管理的组织之下新增组织。"))
        _require_in_scope(actor, parent, _("上级组织"))
    _check_placement(kind, parent, name)
    _check_division_code(division_code, code_year)
    fields = {"name": name, "kind": kind, "division_code": division_code, "code_year": code_year}
    if parent is None:
        org = Org.objects.add_root(fields)
    else:
        parent.refresh_from_db()
        org = Org.objects.add_child(parent, fields)
    audit.record(AuditAction.CREATE, actor=actor, obj=org, details={"parent": parent.pk if parent else None})
    return org


@transaction.atomic
def update_org(actor, org: Org, *, name: str, division_code: str = "", code_year=None, is_active=True) -> Org:
    require_admin(actor, "manage_tree")
    _require_in_scope(actor, org, _("该组织"))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("名称不能为空。")}, code="ORG-1")
    _check_placement(org.kind, Org.objects.get_parent(org), name, exclude=org)
    _check_division_code(division_code, code_year, exclude=org)
    if not is_active and org.pk == actor.org_id:
        raise ValidationError({"is_active": _("不能停用您自己所在的组织。")}, code="ORG-1")
    before = {
        "name": org.name,
        "division_code": org.division_code,
        "code_year": org.code_year,
        "is_active": org.is_active,
    }
    org.name, org.division_code, org.code_year, org.is_active = name, division_code, code_year, is_active
    org.save(update_fields=["name", "division_code", "code_year", "is_active"])
    after = {"name": name, "division_code": division_code, "code_year": code_year, "is_active": is_active}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit.record(AuditAction.UPDATE, actor=actor, obj=org, details={"changed": changed})
    return org


class MoveOrg:
    """Move a subtree under a new parent (ORG-5): check, then execute with its audit record.

    Data rows point at organisations by id, so they follow the subtree; scopes are paths computed at
    each request, so every user's scope follows too.
    """

    def __init__(self, actor, org: Org, new_parent: Org):
        self.actor, self.org, self.new_parent = actor, org, new_parent

    def check(self) -> None:
        require_admin(self.actor, "manage_tree")
        _require_in_scope(self.actor, self.org, _("要移动的组织"))
        _require_in_scope(self.actor, self.new_parent, _("目标上级组织"))
        if self.org.pk == self.actor.org_id:
            raise PermissionDenied(_("不能移动您自己所在的组织。"))
        if self.new_parent.path.startswith(self.org.path):
            raise ValidationError({"parent": _("不能把组织移到它自己或它的下级之下。")}, code="ORG-5")
        if Org.objects.get_parent(self.org) == self.new_parent:
            raise ValidationError({"parent": _("该组织已在这个上级之下。")}, code="ORG-5")
        _check_placement(self.org.kind, self.new_parent, self.org.name)

    @transaction.atomic
    def execute(self) -> Org:
        self.check()
        old_parent = Org.objects.get_parent(self.org)
        Org.objects.move(self.org, self.new_parent, "last-child")
        frame.bump("orgs")  # the move rewrote paths without saving the units: scopes and frames read again
        frame.bump("users")
        self.org.refresh_from_db()
        analytics.unit_moved(self.org, old_parent)  # the analytics' roll-ups follow the new paths
        audit.record(
            AuditAction.MOVE,
            actor=self.actor,
            obj=self.org,
            details={"from": old_parent.pk if old_parent else None, "to": self.new_parent.pk},
        )
        return self.org


def move_org(actor, org: Org, new_parent: Org) -> Org:
    return MoveOrg(actor, org, new_parent).execute()


# --- accounts -------------------------------------------------------------------------------------


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}, code="SEC-6") from None


@transaction.atomic
def create_user(
    actor,
    *,
    username: str,
    password: str,
    org: Org,
    name: str = "",
    position: str = "cadre",
    rank: str = "other",
    email: str = "",
) -> User:
    """A new account (SEC-3: only under the administrator's own subtree). It holds no role yet."""
    if actor is not None:
        require_admin(actor, "manage_users")
        _require_in_scope(actor, org, _("所属组织"))
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{3,150}", username):
        raise ValidationError(
            {"username": _("用户名应为 3 个以上的英文字母、数字或 _ . @ - 。")}, code="SEC-5"
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名“%(u)s”已被使用。") % {"u": username}}, code="SEC-5")
    user = User(username=username, org=org, name=name.strip(), position=position, rank=rank, email=email)
    _validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = actor is not None  # the administrator knows it; the user replaces it
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=user)
    return user


@transaction.atomic
def update_user(actor, user: User, *, name: str, org: Org, position: str, rank: str, email: str = "") -> User:
    require_admin(actor, "manage_users")
    _require_account_in_scope(actor, user)
    _refuse_administrator_account(user, _("修改账户"))
    _require_in_scope(actor, org, _("所属组织"))
    before = {"name": user.name, "org": user.org_id, "position": user.position, "rank": user.rank}
    user.name, user.org, user.position, user.rank, user.email = name.strip(), org, position, rank, email
    user.full_clean(exclude=["password"])
    user.save()
    after = {"name": user.name, "org": user.org_id, "position": user.position, "rank": user.rank}
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=user,
        details={"changed": {k: [before[k], after[k]] for k in before if before[k] != after[k]}},
    )
    return user


def end_sessions(user: User) -> int:
    """End every web session and API token of the user (SEC-6: disabling ends sessions)."""
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    if settings.SESSION_ENGINE.endswith("cached_db") or settings.SESSION_ENGINE.endswith("cache"):
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in keys:
            store(session_key=key).delete()
    LoginSession.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    return len(keys)


@transaction.atomic
def set_active(actor, user: User, active: bool) -> User:
    require_admin(actor, "manage_users")
    _require_account_in_scope(actor, user)
    if user.pk == actor.pk:
        raise ValidationError({"is_active": _("不能停用您自己的账户。")}, code="SEC-6")
    _refuse_administrator_account(user, _("停用或启用账户"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = 0 if active else end_sessions(user)
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=user, details={"is_active": active, "sessions_ended": ended}
    )
    return user


def revoke_api_tokens(user: User) -> int:
    """End every API token of the user (PLT-3): called whenever her password changes."""
    return ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)


@transaction.atomic
def set_password(actor, user: User, password: str, *, old_password: str | None = None) -> User:
    """A user changes her own password (old one required), or an administrator resets it."""
    if actor.pk == user.pk:
        if old_password is None or not user.check_password(old_password):
            raise ValidationError({"old_password": _("原密码不正确。")}, code="SEC-6")
        if user.check_password(password):
            raise ValidationError({"password": _("新密码不能与原密码相同。")}, code="SEC-6")
    else:
        require_admin(actor, "manage_users")
        _require_account_in_scope(actor, user)
        _refuse_administrator_account(user, _("重置密码"))
    _validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    # A password an administrator set is known to her: the user must replace it at next login.
    user.must_change_password = actor.pk != user.pk
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    revoke_api_tokens(user)  # a token issued under the old password must not outlive it
    if actor.pk != user.pk:
        end_sessions(user)
    audit.record(AuditAction.PASSWORD, actor=actor, obj=user, details={"reset": actor.pk != user.pk})
    return user


def unlock_user(actor, user: User) -> None:
    from axes.utils import reset

    require_admin(actor, "unlock_users")
    _require_account_in_scope(actor, user)
    reset(username=user.username)
    audit.record(AuditAction.UPDATE, actor=actor, obj=user, details={"unlocked": True})


# --- roles and scopes -----------------------------------------------------------------------------


@transaction.atomic
def assign_roles(actor, user: User, roles: list[Role]) -> User:
    """Grant roles (SEC-3, SEC-5): inside the actor's subtree, never to herself, one admin kind at most."""
    require_admin(actor, "grant_roles")
    _require_account_in_scope(actor, user)
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能给自己授予或撤销角色。"))
    _refuse_administrator_account(user, _("修改管理员的角色"))
    kinds = {r.admin_kind for r in roles if r.admin_kind}
    if len(kinds) > 1:
        raise ValidationError(
            {
                "roles": _("三权分立：同一账户不能同时担任%(kinds)s。")
                % {"kinds": "、".join(str(ADMIN_KINDS[k]) for k in sorted(kinds))}
            },
            code="SEC-5",
        )
    if kinds and any(r.permissions for r in roles):
        raise ValidationError({"roles": _("管理员账户不能同时持有业务角色。")}, code="SEC-5")
    before = set(user.roles.values_list("code", flat=True))
    user.roles.set(roles)
    after = {r.code for r in roles}
    user.__dict__.pop("role_list", None)
    user.__dict__.pop("permission_codes", None)
    audit.record(
        AuditAction.GRANT,
        actor=actor,
        obj=user,
        details={"added": sorted(after - before), "removed": sorted(before - after)},
    )
    return user


@transaction.atomic
def grant_scope(actor, user: User, org: Org, can_edit: bool = False) -> ScopeGrant:
    require_admin(actor, "grant_roles")
    _require_account_in_scope(actor, user)
    _require_in_scope(actor, org, _("授权的组织"))
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能给自己扩大数据范围。"))
    _refuse_administrator_account(user, _("扩大管理员的数据范围"))
    grant, _created = ScopeGrant.objects.update_or_create(
        user=user, org=org, defaults={"can_edit": can_edit, "granted_by": actor}
    )
    audit.record(
        AuditAction.GRANT, actor=actor, obj=user, details={"scope_org": org.pk, "can_edit": can_edit}
    )
    return grant


@transaction.atomic
def revoke_scope(actor, grant: ScopeGrant) -> None:
    require_admin(actor, "grant_roles")
    _require_account_in_scope(actor, grant.user)
    audit.record(AuditAction.REVOKE, actor=actor, obj=grant.user, details={"scope_org": grant.org_id})
    grant.delete()


@transaction.atomic
def save_role(
    actor, role: Role | None, *, code: str, name: str, description: str, permissions: list[str]
) -> Role:
    """Roles are shared by every unit, so only a security administrator at the root edits them."""
    require_admin(actor, "manage_roles")
    if actor.org is None or actor.org.depth != 1:
        raise PermissionDenied(_("角色对全系统生效，只有顶层单位的安全管理员可以修改。"))
    try:
        permissions = validate_codes(permissions)
    except ValueError:
        raise ValidationError({"permissions": _("包含未知的权限。")}, code="ORG-4") from None
    if role is not None and role.admin_kind and permissions:
        raise ValidationError({"permissions": _("管理员角色不能持有业务权限。")}, code="SEC-5")
    creating = role is None
    role = role or Role(code=code)
    role.name, role.description, role.permissions = name.strip(), description.strip(), permissions
    role.full_clean()
    role.save()
    audit.record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor,
        obj=role,
        details={"permissions": permissions},
    )
    return role


@transaction.atomic
def reset_administrator(subject: User, *, password: str | None = None, active: bool | None = None) -> User:
    """Server-side reset of an administrator account (manage.py reset_admin): a new password that must
    be replaced, TOTP devices removed so she enrols again, sessions ended. Audited as a CLI action."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    changes = {}
    if password is not None:
        _validate_password(password, subject)
        subject.set_password(password)
        subject.password_changed_at = timezone.now()
        subject.must_change_password = True
        changes["password_reset"] = True
        changes["api_tokens_revoked"] = revoke_api_tokens(subject)
        changes["totp_devices_removed"] = TOTPDevice.objects.filter(user=subject).delete()[0]
    if active is not None:
        subject.is_active = active
        changes["is_active"] = active
    subject.save()
    end_sessions(subject)
    audit.record(AuditAction.UPDATE, obj=subject, username="manage.py", details={"via": "cli", **changes})
    return subject
