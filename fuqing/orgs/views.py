"""Pages for the tree, users, roles and scopes — the platform's own administration (ORG-4, ORG-5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core.history import history_for
from fuqing.core.ledger import get_ledger
from fuqing.core.middleware import record_denied
from fuqing.core.permissions import require_admin
from fuqing.core.routes import scoped, unscoped
from fuqing.core.scoping import get_visible_or_404, scope_q, subtree_q, user_scope
from fuqing.orgs import services
from fuqing.orgs.filters import OrgFilter, UserFilter
from fuqing.orgs.forms import (
    GrantForm,
    MoveForm,
    OrgForm,
    PasswordResetForm,
    RoleForm,
    RolesForm,
    UserForm,
)
from fuqing.orgs.models import ALLOWED_PARENTS, Org, OrgKind, Role, ScopeGrant, User

USER_ADMINS = ("manage_users", "grant_roles", "unlock_users")


def _require_org_view(user) -> None:
    services.require_org_view(user)


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
    flt = OrgFilter(request.GET, request.user)
    page = roots = None
    if flt.asked:
        page = Paginator(flt.apply(visible).order_by("path"), 50).get_page(request.GET.get("page"))
    else:
        roots = visible.filter(path__in=user_scope(request.user).read_paths)
    params = request.GET.copy()
    params.pop("page", None)
    ledger = get_ledger("orgs")
    return render(
        request,
        "orgs/org_list.html",
        {
            "roots": roots,
            "page": page,
            "form": flt.form,
            "flt": flt,
            "problems": flt.problems,
            "parent": flt.objects.get("parent"),
            "q": (flt.data.get("q") or "").strip(),
            "querystring": params.urlencode(),
            "export_query": params.urlencode(),
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
    counts = dict(
        Org.objects.filter(subtree_q(org.path)).order_by().values_list("kind").annotate(n=Count("id"))
    )
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
            "child_kinds": services.child_kinds(org.kind),
            "history": history_for(request.user, org),
        },
    )


@scoped(Org, "change")
def org_add(request, pk):
    """Add a child under ``pk``."""
    parent = get_visible_or_404(Org, request.user, pk=pk)
    require_admin(request.user, "manage_tree")
    kinds = services.child_kinds(parent.kind)
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
    require_admin(request.user, "manage_tree")
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
    require_admin(request.user, "manage_tree")
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
    user_filter = UserFilter(request.GET, request.user)
    form = user_filter.form
    users = user_filter.apply(
        User.objects.visible_to(request.user).select_related("org").prefetch_related("roles")
    )
    page = Paginator(users.order_by("org__path", "username"), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "orgs/user_list.html",
        {"page": page, "form": form, "querystring": params.urlencode(), "export_query": params.urlencode()},
    )


@scoped(User, "create")
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


def _user_page(request, subject, status=200, **bound):
    """The user's page; a form that came back with errors is shown bound, beside its fields (UI.md)."""
    from axes.models import AccessAttempt

    me = request.user
    forms = {"edit_form": None, "roles_form": None, "grant_form": None, "password_form": None}
    if me.has_admin_ability("manage_users") and not subject.is_administrator:
        forms["edit_form"] = UserForm(
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
        forms["password_form"] = PasswordResetForm()
    if me.has_admin_ability("grant_roles") and not subject.is_administrator:
        forms["roles_form"] = RolesForm(initial={"roles": subject.roles.all()})
        forms["grant_form"] = GrantForm(orgs=Org.objects.editable_by(me))
    forms.update(bound)
    return render(
        request,
        "orgs/user_detail.html",
        {
            "subject": subject,
            **forms,
            "grants": subject.scope_grants.select_related("org"),
            "locked": AccessAttempt.objects.filter(username=subject.username).exists(),
            "history": history_for(me, subject),
        },
        status=status,
    )


@scoped(User, "read", lookup="uuid")
def user_detail(request, uuid):
    subject = get_visible_or_404(User.objects.select_related("org"), request.user, uuid=uuid)
    _require_user_admin(request.user)
    return _user_page(request, subject)


def _user_action(request, uuid):
    subject = get_visible_or_404(User.objects.select_related("org"), request.user, uuid=uuid)
    _require_user_admin(request.user)
    return subject


def _report(request, exc: Exception) -> None:
    """A refused operation: say why, and record the denial (SEC-7)."""
    if isinstance(exc, ValidationError):
        for error in exc.messages:
            messages.error(request, error)
    else:
        record_denied(request, exc)
        messages.error(request, str(exc) or _("您没有这项操作的权限。"))


def _submit(request, subject, form, form_key, action, success):
    """Run a service for a bound form: success → back to the page with a message; invalid input or a
    rule broken → the page again with the form bound and the errors beside its fields; refused → why."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        except PermissionDenied as exc:
            _report(request, exc)
            return redirect("orgs:user-detail", uuid=subject.uuid)
        else:
            messages.success(request, success)
            return redirect("orgs:user-detail", uuid=subject.uuid)
    return _user_page(request, subject, status=200, **{form_key: form})


@require_POST
@scoped(User, "change", lookup="uuid")
def user_edit(request, uuid):
    subject = _user_action(request, uuid)
    form = UserForm(request.POST, orgs=Org.objects.editable_by(request.user), editing=True)
    return _submit(
        request,
        subject,
        form,
        "edit_form",
        lambda data: services.update_user(request.user, subject, **data),
        _("已保存。"),
    )


@require_POST
@scoped(User, "change", lookup="uuid")
def user_roles(request, uuid):
    subject = _user_action(request, uuid)
    return _submit(
        request,
        subject,
        RolesForm(request.POST),
        "roles_form",
        lambda data: services.assign_roles(request.user, subject, list(data["roles"])),
        _("角色已更新。"),
    )


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
    return _submit(
        request,
        subject,
        PasswordResetForm(request.POST),
        "password_form",
        lambda data: services.set_password(request.user, subject, data["password"]),
        _("密码已重置，用户下次登录时须修改。"),
    )


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
    return _submit(
        request,
        subject,
        GrantForm(request.POST, orgs=Org.objects.editable_by(request.user)),
        "grant_form",
        lambda data: services.grant_scope(request.user, subject, data["org"], data["can_edit"]),
        _("数据范围已授权。"),
    )


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


@unscoped("roles are platform-wide configuration; holders are counted inside the caller's scope")
def role_list(request):
    if not (request.user.has_admin_ability("manage_roles") or request.user.has_admin_ability("grant_roles")):
        raise PermissionDenied(_("您没有管理角色的权限。"))
    # Holders are counted inside the administrator's own scope only (ORG-3).
    roles = Role.objects.annotate(holders=Count("users", filter=scope_q(request.user, "users__org")))
    return render(request, "orgs/role_list.html", {"roles": roles})


@unscoped("roles are platform-wide configuration; only a root security administrator edits them")
def role_edit(request, pk=None):
    if not request.user.has_admin_ability("manage_roles"):
        raise PermissionDenied(_("您没有管理角色的权限。"))
    role = Role.objects.filter(pk=pk).first() if pk else None
    if pk and role is None:
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
