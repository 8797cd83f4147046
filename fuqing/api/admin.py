"""The platform's own administration in the API (PLT-3, ORG-4, SEC-3, SEC-5, SEC-7): accounts, roles,
scope grants and the audit log — the same services and the same three separate administrators as the
pages (``fuqing/orgs/views.py``, ``fuqing/core/views.py``).

A system administrator creates and changes accounts; a security administrator grants roles and data
scopes, edits roles and unlocks accounts; an audit administrator reads the audit log, which nobody
writes through the API. Each acts only inside her own subtree (the services check it: 403).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Query, Router, Schema, Status

from fuqing.api.kit import paginate, query_schema, ref
from fuqing.api.types import Id, require_fields
from fuqing.core.audit_filters import AuditFilter
from fuqing.core.history import describe_details, object_type_label
from fuqing.core.models import AuditEvent
from fuqing.core.permissions import require_admin
from fuqing.core.routes import scoped, unscoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs import services
from fuqing.orgs.filters import UserFilter
from fuqing.orgs.models import Org, Position, Rank, Role, ScopeGrant, User

router = Router(tags=["admin"])

USER_ADMINS = ("manage_users", "grant_roles", "unlock_users")


def require_user_admin(user) -> None:
    """Accounts are seen by the administrators who run them (the page's rule, orgs.views)."""
    if not any(user.has_admin_ability(a) for a in USER_ADMINS):
        raise PermissionDenied(_("您没有管理用户的权限。"))


# --- accounts -------------------------------------------------------------------------------------


class UserOut(ModelSchema):
    org_name: str = ""
    position_label: str = ""
    rank_label: str = ""
    roles: list[str] = []
    is_administrator: bool = False

    class Meta:
        model = User
        fields = ["id", "uuid", "username", "name", "org", "position", "rank", "is_active"]

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name if obj.org_id else ""

    @staticmethod
    def resolve_position_label(obj) -> str:
        return str(obj.get_position_display())

    @staticmethod
    def resolve_rank_label(obj) -> str:
        return str(obj.get_rank_display())

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        return [role.code for role in obj.roles.all()]

    @staticmethod
    def resolve_is_administrator(obj) -> bool:
        return any(role.admin_kind for role in obj.roles.all())


UserQuery = query_schema(UserFilter, "UserQuery", org=(Id | None, None))


class UserIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)
    org: Id
    name: str = Field("", max_length=50)
    position: Position = Position.CADRE
    rank: Rank = Rank.OTHER


class UserPatch(Schema):
    name: str | None = Field(None, max_length=50)
    org: Id | None = None
    position: Position | None = None
    rank: Rank | None = None


class ActiveIn(Schema):
    active: bool | None = None


class PasswordIn(Schema):
    password: str | None = Field(None, max_length=128)


class RolesIn(Schema):
    roles: list[Id] | None = None


def _users(user):
    return User.objects.visible_to(user).select_related("org").prefetch_related("roles")


def _account(request, user_id: uuid.UUID) -> User:
    subject = get_visible_or_404(_users(request.auth), request.auth, uuid=user_id)
    require_user_admin(request.auth)
    return subject


@router.get("/users/", response=list[UserOut], url_name="api-user-list")
@paginate
@scoped(User, "list")
def list_users(request, filters: Query[UserQuery]):
    """Accounts inside the administrator's scope (ORG-4): the users page's filters, and a unit's subtree."""
    require_user_admin(request.auth)
    params = filters.dict()
    qs = UserFilter.strict({k: v for k, v in params.items() if k != "org"}, request.auth).apply(
        _users(request.auth).order_by("org__path", "username")
    )
    if params["org"]:
        qs = qs.filter(org__path__startswith=ref(Org, request.auth, params["org"], "org", "单位").path)
    return qs


@router.get("/users/{user_id}/", response=UserOut, url_name="api-user-detail")
@scoped(User, "read", lookup="uuid", kwarg="user_id")
def get_user(request, user_id: uuid.UUID):
    return _account(request, user_id)


@router.post("/users/", response={201: UserOut}, url_name="api-user-create")
@scoped(User, "create")
def create_user(request, payload: UserIn):
    """A new account under the system administrator's own subtree, with no role yet (SEC-3, SEC-5); the
    password is a first one the user must replace at her first login."""
    org = ref(Org, request.auth, payload.org, "org", "所属组织")
    user = services.create_user(request.auth, **{**payload.dict(), "org": org})
    return Status(201, _users(request.auth).get(pk=user.pk))


@router.patch("/users/{user_id}/", response=UserOut, url_name="api-user-update")
@scoped(User, "change", lookup="uuid", kwarg="user_id")
def update_user(request, user_id: uuid.UUID, payload: UserPatch):
    """Name, unit, position and rank of an account (system administrator; never an administrator's)."""
    subject = _account(request, user_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    org = ref(Org, request.auth, data["org"], "org", "所属组织") if "org" in data else subject.org
    services.update_user(
        request.auth,
        subject,
        name=data.get("name", subject.name),
        org=org,
        position=data.get("position", subject.position),
        rank=data.get("rank", subject.rank),
        email=subject.email,
    )
    return _users(request.auth).get(pk=subject.pk)


@router.post("/users/{user_id}/active/", response=UserOut, url_name="api-user-active")
@scoped(User, "change", lookup="uuid", kwarg="user_id")
def set_user_active(request, user_id: uuid.UUID, payload: ActiveIn):
    """Disable (ending every session and token, SEC-6) or enable an account."""
    subject = _account(request, user_id)
    require_fields(payload, "active")
    services.set_active(request.auth, subject, payload.active)
    return _users(request.auth).get(pk=subject.pk)


@router.post("/users/{user_id}/password/", response={204: None}, url_name="api-user-password")
@scoped(User, "change", lookup="uuid", kwarg="user_id")
def reset_password(request, user_id: uuid.UUID, payload: PasswordIn):
    """A system administrator sets a new password the user must replace at her next login."""
    subject = _account(request, user_id)
    require_fields(payload, "password")
    services.set_password(request.auth, subject, payload.password)
    return Status(204, None)


@router.post("/users/{user_id}/unlock/", response=UserOut, url_name="api-user-unlock")
@scoped(User, "change", lookup="uuid", kwarg="user_id")
def unlock_user(request, user_id: uuid.UUID):
    """Clear a lockout after repeated failed logins (security administrator)."""
    subject = _account(request, user_id)
    services.unlock_user(request.auth, subject)
    return subject


@router.put("/users/{user_id}/roles/", response=UserOut, url_name="api-user-roles")
@scoped(User, "change", lookup="uuid", kwarg="user_id")
def set_roles(request, user_id: uuid.UUID, payload: RolesIn):
    """The account's roles, all of them (security administrator; one administrator kind at most and
    no business role beside it, SEC-5; never her own)."""
    subject = _account(request, user_id)
    require_fields(payload, "roles")
    roles = list(Role.objects.filter(pk__in=payload.roles))
    if len(roles) != len(set(payload.roles)):
        raise ValidationError({"roles": _("包含不存在的角色。")}, code="ORG-4")  # roles are not scoped: 422
    services.assign_roles(request.auth, subject, roles)
    return _users(request.auth).get(pk=subject.pk)


# --- scope grants ---------------------------------------------------------------------------------


class GrantOut(ModelSchema):
    user_uuid: uuid.UUID
    user_name: str
    org_name: str

    class Meta:
        model = ScopeGrant
        fields = ["id", "user", "org", "can_edit", "created_at"]

    @staticmethod
    def resolve_user_uuid(obj) -> uuid.UUID:
        return obj.user.uuid

    @staticmethod
    def resolve_user_name(obj) -> str:
        return obj.user.display_name

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class GrantQuery(Schema):
    user: uuid.UUID | None = None


class GrantIn(Schema):
    user: uuid.UUID
    org: Id
    can_edit: bool = False


def _grants(user):
    return ScopeGrant.objects.visible_to(user).select_related("user", "org")


@router.get("/scope-grants/", response=list[GrantOut], url_name="api-grant-list")
@paginate
@scoped(ScopeGrant, "list")
def list_grants(request, filters: Query[GrantQuery]):
    """Data scopes granted beyond the holders' own units, for accounts inside the caller's scope."""
    require_user_admin(request.auth)
    qs = _grants(request.auth).order_by("user__org__path", "user__username", "org__path")
    if filters.user:
        qs = qs.filter(user=ref(User, request.auth, filters.user, "user", "用户", lookup="uuid"))
    return qs


@router.post("/scope-grants/", response={201: GrantOut}, url_name="api-grant-create")
@scoped(ScopeGrant, "create", fk_fields={"user": User, "org": Org})
def create_grant(request, payload: GrantIn):
    """Grant an account read (or edit) scope over a unit inside the security administrator's own
    subtree; granting the same unit again changes can_edit."""
    subject = ref(User, request.auth, payload.user, "user", "用户", lookup="uuid")
    org = ref(Org, request.auth, payload.org, "org", "授权的组织")
    grant = services.grant_scope(request.auth, subject, org, payload.can_edit)
    return Status(201, _grants(request.auth).get(pk=grant.pk))


@router.get("/scope-grants/{grant_id}/", response=GrantOut, url_name="api-grant-detail")
@scoped(ScopeGrant, "read", kwarg="grant_id")
def get_grant(request, grant_id: Id):
    grant = get_visible_or_404(_grants(request.auth), request.auth, pk=grant_id)
    require_user_admin(request.auth)
    return grant


@router.delete("/scope-grants/{grant_id}/", response={204: None}, url_name="api-grant-delete")
@scoped(ScopeGrant, "delete", kwarg="grant_id")
def delete_grant(request, grant_id: Id):
    grant = get_visible_or_404(_grants(request.auth), request.auth, pk=grant_id)
    services.revoke_scope(request.auth, grant)
    return Status(204, None)


# --- roles (platform-wide configuration) ----------------------------------------------------------


class RoleOut(ModelSchema):
    class Meta:
        model = Role
        fields = ["id", "code", "name", "description", "permissions", "admin_kind", "is_builtin"]


class RoleIn(Schema):
    code: str = Field(max_length=40)
    name: str = Field(max_length=50)
    description: str = Field("", max_length=200)
    permissions: list[str] = []


class RolePatch(Schema):
    name: str | None = Field(None, max_length=50)
    description: str | None = Field(None, max_length=200)
    permissions: list[str] | None = None


def _require_role_reader(user) -> None:
    if not (user.has_admin_ability("manage_roles") or user.has_admin_ability("grant_roles")):
        raise PermissionDenied(_("您没有管理角色的权限。"))


@router.get("/roles/", response=list[RoleOut], url_name="api-role-list")
@unscoped("roles are platform-wide configuration, the same for every unit")
def list_roles(request):
    _require_role_reader(request.auth)
    return list(Role.objects.order_by("id"))


@router.get("/roles/{role_id}/", response=RoleOut, url_name="api-role-detail")
@unscoped("roles are platform-wide configuration, the same for every unit")
def get_role(request, role_id: Id):
    _require_role_reader(request.auth)
    role = Role.objects.filter(pk=role_id).first()
    if role is None:
        raise Http404
    return role


@router.post("/roles/", response={201: RoleOut}, url_name="api-role-create")
@unscoped("roles are platform-wide configuration; only a root security administrator edits them")
def create_role(request, payload: RoleIn):
    require_admin(request.auth, "manage_roles")
    role = services.save_role(request.auth, None, **payload.dict())
    return Status(201, role)


@router.patch("/roles/{role_id}/", response=RoleOut, url_name="api-role-update")
@unscoped("roles are platform-wide configuration; only a root security administrator edits them")
def update_role(request, role_id: Id, payload: RolePatch):
    role = get_role(request, role_id)
    data = payload.dict(exclude_unset=True)
    return services.save_role(
        request.auth,
        role,
        code=role.code,
        name=data.get("name") or role.name,
        description=role.description if data.get("description") is None else data["description"],
        permissions=role.permissions if data.get("permissions") is None else data["permissions"],
    )


# --- the audit log (read-only) --------------------------------------------------------------------


class AuditOut(ModelSchema):
    actor_name: str = Field(alias="actor_name", description="操作人姓名（无账户时为登录时输入的用户名）")
    action_label: str
    result_label: str
    object_type_label: str
    summary: str

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "seq",
            "at",
            "actor_username",
            "org",
            "action",
            "result",
            "object_type",
            "object_id",
            "object_repr",
            "ip",
            "details",
        ]

    @staticmethod
    def resolve_action_label(obj) -> str:
        return str(obj.get_action_display())

    @staticmethod
    def resolve_result_label(obj) -> str:
        return str(obj.get_result_display())

    @staticmethod
    def resolve_object_type_label(obj) -> str:
        return object_type_label(obj.object_type)

    @staticmethod
    def resolve_summary(obj) -> str:
        return describe_details(obj.details)


AuditQuery = query_schema(AuditFilter)


@router.get("/audit/", response=list[AuditOut], url_name="api-audit-list")
@paginate
@scoped(AuditEvent, "list")
def list_audit(request, filters: Query[AuditQuery]):
    """The audit log inside the audit administrator's scope, newest first (SEC-7), with the audit
    page's filters. Read-only: no operation writes, changes or deletes a record."""
    require_admin(request.auth, "read_audit")
    qs = AuditEvent.objects.visible_to(request.auth).select_related("actor").order_by("-seq")
    return AuditFilter.strict(filters.dict(), request.auth).apply(qs)


@router.get("/audit/{event_id}/", response=AuditOut, url_name="api-audit-detail")
@scoped(AuditEvent, "read", kwarg="event_id")
def get_audit(request, event_id: Id):
    event = get_visible_or_404(AuditEvent.objects.select_related("actor"), request.auth, pk=event_id)
    require_admin(request.auth, "read_audit")
    return event
