"""The handbook library (BLD-4): current version and what changed, older versions kept, downloads
counted per unit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.building import services
from fuqing.building.forms import HandbookForm, VersionForm
from fuqing.building.models import Handbook, HandbookDownload, HandbookVersion, TrainingLevel
from fuqing.building.services.handbook import FILES, level_of
from fuqing.building.views.common import (
    can_edit,
    can_export,
    paginate,
    require_edit,
    require_view,
    selected_unit,
)
from fuqing.core import uploads
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit as may_change
from fuqing.core.scoping import get_visible_or_404


@scoped(Handbook, "list")
def handbook_list(request):
    require_view(request.user)
    mine = level_of(request.user.org)
    level = request.GET.get("level", "")
    qs = Handbook.objects.visible_to(request.user).select_related("org")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    qs = qs.annotate(current=Max("versions__number"), downloads=Count("versions__downloads")).order_by(
        "title"
    )
    rows = list(qs[:500])
    if level in TrainingLevel.values:
        rows = [h for h in rows if level in h.levels]
    versions = {
        (v.handbook_id, v.number): v
        for v in HandbookVersion.objects.visible_to(request.user).filter(handbook__in=[h.pk for h in rows])
    }
    for h in rows:
        h.current_version = versions.get((h.pk, h.current))
        h.for_me = mine in h.levels if mine else True
    return render(
        request,
        "building/handbook_list.html",
        {
            "rows": rows,
            "q": q,
            "level": level,
            "levels": TrainingLevel.choices,
            "mine": mine,
            "can_edit": can_edit(request.user),
            "can_export": can_export(request.user),
            "active": "handbooks",
        },
    )


@scoped(Handbook, "create")
def handbook_add(request):
    require_edit(request.user)
    form = HandbookForm(
        request.POST or None, request.FILES or None, user=request.user, unit=selected_unit(request)
    )
    form.fields["file"].widget.attrs["accept"] = FILES.accept
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            handbook = services.create_handbook(
                request.user,
                data["org"],
                title=data["title"],
                levels=data["levels"],
                upload=data["file"],
                description=data["description"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已发布“%(t)s”。") % {"t": handbook.title})
            return redirect("building:handbook", pk=handbook.pk)
    return render(
        request,
        "building/form.html",
        {"form": form, "title": _("发布手册资料"), "active": "handbooks", "multipart": True},
    )


@scoped(Handbook, "read")
def handbook_detail(request, pk):
    handbook = get_visible_or_404(Handbook.objects.select_related("org"), request.user, pk=pk)
    require_view(request.user)
    versions = list(
        HandbookVersion.objects.visible_to(request.user)
        .filter(handbook=handbook)
        .select_related("uploaded_by")
        .annotate(download_count=Count("downloads"))
        .order_by("-number")
    )
    per_unit = (
        HandbookDownload.objects.visible_to(request.user)
        .filter(version__handbook=handbook)
        .values("org__name", "org__path")
        .annotate(n=Count("id"), last=Max("at"))
        .order_by("org__path")
    )
    page, querystring = paginate(request, per_unit, 50)
    editable = can_edit(request.user) and may_change(request.user, handbook)
    form = VersionForm() if editable else None
    if form is not None:
        form.fields["file"].widget.attrs["accept"] = FILES.accept
    return render(
        request,
        "building/handbook_detail.html",
        {
            "handbook": handbook,
            "current": versions[0] if versions else None,
            "older": versions[1:],
            "page": page,
            "querystring": querystring,
            "form": form,
            "can_edit": editable,
            "active": "handbooks",
        },
    )


@require_POST
@scoped(Handbook, "change")
def version_add(request, pk):
    handbook = get_visible_or_404(Handbook, request.user, edit=True, pk=pk)
    require_edit(request.user)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.add_version(
                request.user, handbook, upload=form.cleaned_data["file"], changes=form.cleaned_data["changes"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已上传第 %(n)d 版。") % {"n": version.number})
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}：{error}")
    return redirect("building:handbook", pk=handbook.pk)


@scoped(HandbookVersion, "read")
def version_download(request, pk):
    version = get_visible_or_404(HandbookVersion.objects.select_related("handbook"), request.user, pk=pk)
    require_view(request.user)
    try:
        handle = open(uploads.private_path(version.file_path), "rb")
    except OSError:
        raise Http404 from None
    services.count_download(request.user, version)
    return uploads.download(handle, version.file_name, version.content_type)
