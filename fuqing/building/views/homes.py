"""Women's Homes (BLD-1): the list, a Home's page with its photos and activities, the forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.building import services
from fuqing.building.forms import ActivityForm, HomeForm, PhotoForm
from fuqing.building.models import DemoLevel, HomeActivity, HomePhoto, HomeSetting, WomensHome
from fuqing.building.services.homes import PHOTOS
from fuqing.building.views.common import (
    can_edit,
    can_export,
    paginate,
    report,
    require_edit,
    require_view,
    selected_unit,
)
from fuqing.core import uploads
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit as may_change
from fuqing.core.scoping import get_visible_or_404, subtree_q


def filtered_homes(user, params, unit=None):
    """The list's filters, shared by the page and its ledger export."""
    qs = WomensHome.objects.visible_to(user)
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "org__path"))
    q = (params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(org__name__icontains=q))
    setting = params.get("setting") or ""
    if setting:
        qs = qs.filter(setting__code=setting)
    level = params.get("level") or ""
    if level == "any":
        qs = qs.exclude(demo_level=DemoLevel.NONE)
    elif level in DemoLevel.values:
        qs = qs.filter(demo_level=level)
    return qs


@scoped(WomensHome, "list")
def home_list(request):
    require_view(request.user)
    unit = selected_unit(request)
    qs = (
        filtered_homes(request.user, request.GET, unit)
        .select_related("org", "setting")
        .annotate(activity_count=Count("activities"), last_activity=Max("activities__held_on"))
        .order_by("org__path", "name")
    )
    page, querystring = paginate(request, qs)
    return render(
        request,
        "building/home_list.html",
        {
            "page": page,
            "querystring": querystring,
            "unit": unit,
            "q": request.GET.get("q", "")[:50],
            "setting": request.GET.get("setting", ""),
            "level": request.GET.get("level", ""),
            "settings": HomeSetting.objects.filter(is_active=True),
            "levels": DemoLevel.choices,
            "can_edit": can_edit(request.user),
            "can_export": can_export(request.user),
            "active": "homes",
        },
    )


def _home_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("org", None)
    return data


@scoped(WomensHome, "create")
def home_add(request):
    require_edit(request.user)
    unit = selected_unit(request)
    form = HomeForm(
        request.POST or None, user=request.user, unit=unit, initial={"org": request.GET.get("org")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            home = services.create_home(request.user, form.cleaned_data["org"], **_home_data(form))
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已登记妇女之家“%(n)s”。") % {"n": home.name})
            return redirect("building:home", pk=home.pk)
    return render(
        request, "building/form.html", {"form": form, "title": _("登记妇女之家"), "active": "homes"}
    )


@scoped(WomensHome, "change")
def home_edit(request, pk):
    home = get_visible_or_404(WomensHome, request.user, edit=True, pk=pk)
    require_edit(request.user)
    initial = {
        f: getattr(home, f)
        for f in (
            "name",
            "address",
            "setting",
            "founded_on",
            "standard",
            "demo_level",
            "functions",
            "keeper",
            "hours",
            "is_active",
        )
    }
    initial["keeper_phone"] = home.keeper_phone
    form = HomeForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_home(request.user, home, **_home_data(form))
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("building:home", pk=home.pk)
    return render(
        request,
        "building/form.html",
        {"form": form, "title": _("修改妇女之家"), "active": "homes", "back": home},
    )


@scoped(WomensHome, "read")
def home_detail(request, pk):
    home = get_visible_or_404(WomensHome.objects.select_related("org", "setting"), request.user, pk=pk)
    require_view(request.user)
    activities = HomeActivity.objects.visible_to(request.user).filter(home=home).order_by("-held_on", "-id")
    page, querystring = paginate(request, activities, 20)
    editable = can_edit(request.user) and may_change(request.user, home)
    return render(
        request,
        "building/home_detail.html",
        {
            "home": home,
            "page": page,
            "querystring": querystring,
            "photos": list(HomePhoto.objects.visible_to(request.user).filter(home=home)),
            "can_edit": editable,
            "activity_form": ActivityForm() if editable else None,
            "photo_form": PhotoForm() if editable else None,
            "photo_accept": PHOTOS.accept,
            "active": "homes",
        },
    )


@require_POST
@scoped(WomensHome, "change")
def activity_add(request, pk):
    home = get_visible_or_404(WomensHome, request.user, edit=True, pk=pk)
    require_edit(request.user)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.add_activity(request.user, home, **form.cleaned_data)
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, _("已记录活动。"))
            return redirect("building:home", pk=home.pk)
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}：{error}"
                )
    return redirect("building:home", pk=home.pk)


@require_POST
@scoped(WomensHome, "change")
def photo_add(request, pk):
    home = get_visible_or_404(WomensHome, request.user, edit=True, pk=pk)
    require_edit(request.user)
    try:
        services.add_photo(request.user, home, request.FILES.get("photo"), request.POST.get("caption", ""))
    except ValidationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("已上传照片。"))
    return redirect("building:home", pk=home.pk)


@scoped(HomePhoto, "read")
def photo_view(request, pk):
    photo = get_visible_or_404(HomePhoto, request.user, pk=pk)
    require_view(request.user)
    try:
        handle = open(uploads.private_path(photo.file_path), "rb")
    except OSError:
        from django.http import Http404

        raise Http404 from None
    return uploads.download(handle, photo.file_name, photo.content_type, inline=True)


@require_POST
@scoped(HomePhoto, "delete")
def photo_delete(request, pk):
    photo = get_visible_or_404(HomePhoto.objects.select_related("home"), request.user, edit=True, pk=pk)
    require_edit(request.user)
    home_pk = photo.home_id
    services.delete_photo(request.user, photo)
    messages.success(request, _("已删除照片。"))
    return redirect("building:home", pk=home_pk)
