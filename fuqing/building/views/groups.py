"""Women's groups and flexible organisations (BLD-2, BLD-5): list, page with members and activities."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.building import services
from fuqing.building.forms import ActivityForm, GroupForm, MembersForm
from fuqing.building.models import FLEXIBLE_GROUP_KINDS, GroupActivity, GroupKind, GroupMember, WomensGroup
from fuqing.building.views.common import (
    can_edit,
    can_export,
    paginate,
    report,
    require_edit,
    require_view,
    selected_unit,
)
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit as may_change
from fuqing.core.scoping import get_visible_or_404, resolve_input, subtree_q
from fuqing.orgs.models import Org


def filtered_groups(user, params, unit=None):
    qs = WomensGroup.objects.visible_to(user)
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "org__path"))
    q = (params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(place__icontains=q) | Q(org__name__icontains=q))
    kind = params.get("kind") or ""
    if kind == "flexible":
        qs = qs.filter(kind__in=FLEXIBLE_GROUP_KINDS)
    elif kind in GroupKind.values:
        qs = qs.filter(kind=kind)
    return qs


@scoped(WomensGroup, "list")
def group_list(request):
    require_view(request.user)
    unit = selected_unit(request)
    qs = (
        filtered_groups(request.user, request.GET, unit)
        .select_related("org", "leader")
        .annotate(
            member_count=Count("members", distinct=True), activity_count=Count("activities", distinct=True)
        )
        .order_by("org__path", "name")
    )
    page, querystring = paginate(request, qs)
    return render(
        request,
        "building/group_list.html",
        {
            "page": page,
            "querystring": querystring,
            "unit": unit,
            "q": request.GET.get("q", "")[:50],
            "kind": request.GET.get("kind", ""),
            "kinds": GroupKind.choices,
            "can_edit": can_edit(request.user),
            "can_export": can_export(request.user),
            "active": "groups",
        },
    )


def _group_org(request, form_unit):
    raw = request.POST.get("org") if request.method == "POST" else request.GET.get("org")
    return resolve_input(Org, request.user, raw, edit=True) or form_unit


@scoped(WomensGroup, "create")
def group_add(request):
    require_edit(request.user)
    unit = selected_unit(request)
    org = _group_org(request, unit)
    women = services.women_of(org, request.user) if org else WomensGroup.objects.none()
    form = GroupForm(
        request.POST or None,
        user=request.user,
        unit=unit,
        women=women,
        initial={"org": org.pk if org else None},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target = data.pop("org")
        try:
            group = services.create_group(request.user, target, **data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已建立妇女小组“%(n)s”。") % {"n": group.name})
            return redirect("building:group", pk=group.pk)
    return render(
        request,
        "building/form.html",
        {
            "form": form,
            "title": _("建立妇女小组"),
            "active": "groups",
            "hint": _("组长从妇女档案中选择，须是所属单位（含下级）在册的妇女。"),
        },
    )


@scoped(WomensGroup, "change")
def group_edit(request, pk):
    group = get_visible_or_404(WomensGroup.objects.select_related("org"), request.user, edit=True, pk=pk)
    require_edit(request.user)
    initial = {f: getattr(group, f) for f in ("name", "kind", "place", "founded_on", "leader", "is_active")}
    form = GroupForm(
        request.POST or None,
        user=request.user,
        editing=True,
        women=services.women_of(group.org, request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(request.user, group, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("building:group", pk=group.pk)
    return render(
        request, "building/form.html", {"form": form, "title": _("修改妇女小组"), "active": "groups"}
    )


@scoped(WomensGroup, "read")
def group_detail(request, pk):
    group = get_visible_or_404(WomensGroup.objects.select_related("org", "leader"), request.user, pk=pk)
    require_view(request.user)
    members = (
        GroupMember.objects.visible_to(request.user)
        .filter(group=group)
        .select_related("woman", "woman__org")
        .order_by("woman__name")
    )
    activities = GroupActivity.objects.visible_to(request.user).filter(group=group)[:50]
    editable = can_edit(request.user) and may_change(request.user, group)
    return render(
        request,
        "building/group_detail.html",
        {
            "group": group,
            "members": members,
            "activities": activities,
            "can_edit": editable,
            "member_choices": services.women_of(group.org, request.user)
            .exclude(pk__in=GroupMember.objects.filter(group=group).values("woman_id"))
            .select_related("org")
            .order_by("name")[:300]
            if editable
            else [],
            "activity_form": ActivityForm() if editable else None,
            "active": "groups",
        },
    )


@require_POST
@scoped(WomensGroup, "change")
def members_add(request, pk):
    group = get_visible_or_404(WomensGroup.objects.select_related("org"), request.user, edit=True, pk=pk)
    require_edit(request.user)
    form = MembersForm(request.POST, women=services.women_of(group.org, request.user))
    if form.is_valid():
        try:
            added = services.add_members(request.user, group, form.cleaned_data["women"])
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, _("已加入 %(n)d 位成员。") % {"n": added})
    else:
        for error in form.errors.get("women", []):
            messages.error(request, error)
    return redirect("building:group", pk=group.pk)


@require_POST
@scoped(GroupMember, "delete")
def member_remove(request, pk):
    member = get_visible_or_404(GroupMember.objects.select_related("group"), request.user, edit=True, pk=pk)
    require_edit(request.user)
    group_pk = member.group_id
    try:
        services.remove_member(request.user, member)
    except ValidationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("已移出小组。"))
    return redirect("building:group", pk=group_pk)


@require_POST
@scoped(WomensGroup, "change")
def group_activity_add(request, pk):
    group = get_visible_or_404(WomensGroup, request.user, edit=True, pk=pk)
    require_edit(request.user)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.add_group_activity(request.user, group, **form.cleaned_data)
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, _("已记录活动。"))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}：{error}")
    return redirect("building:group", pk=group.pk)
