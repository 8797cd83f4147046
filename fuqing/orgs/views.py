"""Pages for the tree, users, roles and scopes — the platform's own administration (ORG-4, ORG-5)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core.routes import scoped, unscoped
from fuqing.core.scoping import get_visible_or_404, subtree_q, user_scope
from fuqing.orgs import services
from fuqing.orgs.forms import (
    GrantForm,
    MoveForm,
    OrgForm,
    PasswordResetForm,
    RoleForm,
    RolesForm,
    UserFilterForm,
    UserForm,
)
from fuqing.orgs.models import ALLOWED_PARENTS, Org, OrgKind, Role, ScopeGrant, User

ORG_VIEWERS = ("manage_tree", "manage_users", "grant_roles", "unlock_users")
USER_ADMINS = ("manage_users", "grant_roles", "unlock_users")


def _require_org_view(user) -> None:
    if not (user.has_module_perm("orgs", "view") or any(user.has_admin_ability(a) for a in ORG_VIEWERS)):
        raise PermissionDenied(_("您没有查看组织的权限。"))


def _require_user_admin(user) -> None:
    if not any(user.has_admin_ability(a) for a in USER_ADMINS):
        raise PermissionDenied(_("您没有管理用户的权限。"))


def _with_child_counts(queryset):
    return queryset.annotate(user_count=Count("users", distinct=True))


# --- the tree -------------------------------------------------------------------------------------


@scoped(Org, "list")
def org_list(request):
    """The user's scope roots, or search results by name or division code."""
    _require_org_view(request.user)
    visible = Org.objects.visible_to(request.user)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        orgs = visible.filter(Q(name__icontains=q) | Q(division_code__startswith=q))
        page = Paginator(orgs, 50).get_page(request.GET.get("page"))
        roots = None
    else:
        roots = visible.filter(path__in=user_scope(request.user).read_paths)
        page = None
    from fuqing.core.ledger import get_ledger

    ledger = get_ledger("orgs")
    return render(
        request,
        "orgs/org_list.html",
        {
            "roots": roots,
            "page": page,
            "q": q,
            "querystring": urlencode({"q": q}),
            "can_export": ledger.can_export(request.user),
            "can_import": ledger.can_import(request.user),
        },
    )


@scoped(Org, "read")
def org_detail(request, pk):
    org = get_visible_or_404(Org, request.user, pk=pk)
    _require_org_view(request.user)
    visible = Org.objects.visible_to(request.user)
    children = visible.filter(subtree_q(org.path), depth=org.depth + 1)
    lineage = visible.filter(path__in=org.ancestor_paths()).order_by("depth")
    can_manage = request.user.has_admin_ability("manage_tree") and user_scope(request.user).covers(
        org.path, edit=True
    )
    users = None
    if any(request.user.has_admin_ability(a) for a in USER_ADMINS) or request.user.has_module_perm(
        "orgs", "view"
    ):
        users = User.objects.visible_to(request.user).filter(org=org).prefetch_related("roles")
    counts = dict(Org.objects.filter(subtree_q(org.path)).values_list("kind").annotate(n=Count("id")))
    return render(
        request,
        "orgs/org_detail.html",
        {
            "org": org,
            "children": children,
            "lineage": lineage,
            "can_manage": can_manage,
            "users": users,
            "stats": [(kind.label, counts[kind]) for kind in OrgKind if kind in counts],
            "can_manage_users": any(request.user.has_admin_ability(a) for a in USER_ADMINS),
            "child_kinds": [k for k, parents in ALLOWED_PARENTS.items() if org.kind in parents],
        },
    )


@scoped(Org, "change")
def org_add(request, pk):
    """Add a child under ``pk``."""
    parent = get_visible_or_404(Org, request.user, pk=pk)
    kinds = [k for k, parents in ALLOWED_PARENTS.items() if parent.kind in parents]
    form = OrgForm(request.POST or None, allowed_kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.add_org(request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已新增“%(name)s”。") % {"name": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "parent": parent, "title": _("新增下级组织")})


@scoped(Org, "change")
def org_edit(request, pk):
    org = get_visible_or_404(Org, request.user, pk=pk)
    initial = {
        "name": org.name,
        "division_code": org.division_code,
        "code_year": org.code_year,
        "is_active": org.is_active,
    }
    form = OrgForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_org(request.user, org, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "title": _("修改组织")})


@scoped(Org, "change")
def org_move(request, pk):
    """Move a subtree (ORG-5): its data and everyone's scope follow."""
    org = get_visible_or_404(Org, request.user, pk=pk)
    parent_kinds = [k for k in ALLOWED_PARENTS[org.kind] if k]
    targets = Org.objects.editable_by(request.user).filter(kind__in=parent_kinds).exclude(subtree_q(org.path))
    form = MoveForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_org(request.user, org, form.cleaned_data["parent"])
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(
                request,
                _("已将“%(name)s”及其下级移到“%(to)s”之下。")
                % {"name": org.name, "to": form.cleaned_data["parent"].name},
            )
            return redirect("orgs:detail", pk=org.pk)
    descendants = Org.objects.filter(subtree_q(org.path)).count() - 1
    return render(request, "orgs/org_move.html", {"form": form, "org": org, "descendants": descendants})


# --- users ----------------------------------------------------------------------------------------


@scoped(User, "list")
def user_list(request):
    _require_user_admin(request.user)
    form = UserFilterForm(request.GET or None)
    users = User.objects.visible_to(request.user).select_related("org").prefetch_related("roles")
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            users = users.filter(Q(username__icontains=q) | Q(name__icontains=q))
        if form.cleaned_data["active"]:
            users = users.filter(is_active=form.cleaned_data["active"] == "1")
    page = Paginator(users.order_by("org__path", "username"), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request, "orgs/user_list.html", {"page": page, "form": form, "querystring": params.urlencode()}
    )


def user_add(request):
    if not request.user.has_admin_ability("manage_users"):
        raise PermissionDenied(_("您没有新增用户的权限。"))
    orgs = Org.objects.editable_by(request.user)
    initial = {"org": request.GET.get("org")} if request.GET.get("org", "").isdigit() else None
    form = UserForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(
                request, _("已新增用户“%(u)s”。请安全管理员为其授予角色。") % {"u": user.username}
            )
            return redirect("orgs:user-detail", uuid=user.uuid)
    return render(request, "orgs/user_form.html", {"form": form, "title": _("新增用户")})


@scoped(User, "read", lookup="uuid")
def user_detail(request, uuid):
    subject = get_visible_or_404(User.objects.select_related("org"), request.user, uuid=uuid)
    _require_user_admin(request.user)
    me = request.user
    edit_form = None
    if me.has_admin_ability("manage_users"):
        edit_form = UserForm(
            initial={
                "name": subject.name,
                "org": subject.org_id,
                "position": subject.position,
                "rank": subject.rank,
                "email": subject.email,
            },
            orgs=Org.objects.editable_by(me),
            editing=True,
        )
    roles_form = (
        RolesForm(initial={"roles": subject.roles.all()}) if me.has_admin_ability("grant_roles") else None
    )
    grant_form = GrantForm(orgs=Org.objects.editable_by(me)) if me.has_admin_ability("grant_roles") else None
    from axes.models import AccessAttempt

    locked = AccessAttempt.objects.filter(username=subject.username).exists()
    return render(
        request,
        "orgs/user_detail.html",
        {
            "subject": subject,
            "edit_form": edit_form,
            "roles_form": roles_form,
            "grant_form": grant_form,
            "grants": subject.scope_grants.select_related("org"),
            "password_form": PasswordResetForm() if me.has_admin_ability("manage_users") else None,
            "locked": locked,
        },
    )


def _user_action(request, uuid):
    return get_visible_or_404(User.objects.select_related("org"), request.user, uuid=uuid)


def _report(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.error(request, str(exc) or _("您没有这项操作的权限。"))


@require_POST
@scoped(User, "change", lookup="uuid")
def user_edit(request, uuid):
    subject = _user_action(request, uuid)
    form = UserForm(request.POST, orgs=Org.objects.editable_by(request.user), editing=True)
    if form.is_valid():
        try:
            services.update_user(request.user, subject, **form.cleaned_data)
            messages.success(request, _("已保存。"))
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)
    else:
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label if field in form.fields else ''}：{'；'.join(errors)}"
            )
    return redirect("orgs:user-detail", uuid=uuid)


@require_POST
@scoped(User, "change", lookup="uuid")
def user_roles(request, uuid):
    subject = _user_action(request, uuid)
    form = RolesForm(request.POST)
    if form.is_valid():
        try:
            services.assign_roles(request.user, subject, list(form.cleaned_data["roles"]))
            messages.success(request, _("角色已更新。"))
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)
    return redirect("orgs:user-detail", uuid=uuid)


@require_POST
@scoped(User, "change", lookup="uuid")
def user_active(request, uuid):
    subject = _user_action(request, uuid)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(request.user, subject, active)
        messages.success(
            request, _("账户已启用。") if active else _("账户已停用，其所有会话和接口令牌已失效。")
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    return redirect("orgs:user-detail", uuid=uuid)


@require_POST
@scoped(User, "change", lookup="uuid")
def user_password(request, uuid):
    subject = _user_action(request, uuid)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.set_password(request.user, subject, form.cleaned_data["password"])
            messages.success(request, _("密码已重置，用户下次登录时须修改。"))
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)
    return redirect("orgs:user-detail", uuid=uuid)


@require_POST
@scoped(User, "change", lookup="uuid")
def user_unlock(request, uuid):
    subject = _user_action(request, uuid)
    try:
        services.unlock_user(request.user, subject)
        messages.success(request, _("账户已解锁。"))
    except PermissionDenied as exc:
        _report(request, exc)
    return redirect("orgs:user-detail", uuid=uuid)


@require_POST
@scoped(User, "change", lookup="uuid")
def user_grant(request, uuid):
    subject = _user_action(request, uuid)
    form = GrantForm(request.POST, orgs=Org.objects.editable_by(request.user))
    if form.is_valid():
        try:
            services.grant_scope(
                request.user, subject, form.cleaned_data["org"], form.cleaned_data["can_edit"]
            )
            messages.success(request, _("数据范围已授权。"))
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)
    else:
        messages.error(request, _("请选择您管理范围内的组织。"))
    return redirect("orgs:user-detail", uuid=uuid)


@require_POST
@scoped(ScopeGrant, "delete")
def grant_revoke(request, pk):
    grant = get_visible_or_404(ScopeGrant.objects.select_related("user", "org"), request.user, pk=pk)
    try:
        services.revoke_scope(request.user, grant)
        messages.success(request, _("已撤销授权。"))
    except PermissionDenied as exc:
        _report(request, exc)
    return redirect("orgs:user-detail", uuid=grant.user.uuid)


# --- roles ----------------------------------------------------------------------------------------


def role_list(request):
    if not (request.user.has_admin_ability("manage_roles") or request.user.has_admin_ability("grant_roles")):
        raise PermissionDenied(_("您没有管理角色的权限。"))
    roles = Role.objects.annotate(holders=Count("users"))
    return render(request, "orgs/role_list.html", {"roles": roles})


@unscoped("roles are platform-wide configuration; only a root security administrator edits them")
def role_edit(request, pk=None):
    if not request.user.has_admin_ability("manage_roles"):
        raise PermissionDenied(_("您没有管理角色的权限。"))
    role = Role.objects.filter(pk=pk).first() if pk else None
    if pk and role is None:
        from django.http import Http404

        raise Http404
    initial = {"code": role.code, "name": role.name, "description": role.description} if role else None
    form = RoleForm(request.POST or None, initial=initial, editing=role is not None)
    checked = (
        set(request.POST.getlist("permissions"))
        if request.method == "POST"
        else set(role.permissions if role else [])
    )
    if request.method == "POST" and form.is_valid():
        try:
            role = services.save_role(
                request.user,
                role,
                code=role.code if role else form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                permissions=sorted(checked),
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                form.apply_service_error(exc)
            else:
                _report(request, exc)
        else:
            messages.success(request, _("角色已保存。"))
            return redirect("orgs:roles")
    return render(request, "orgs/role_form.html", {"form": form, "role": role, "checked": checked})
