"""Needs: list, record, read, correct, close, reopen (NEED-1, NEED-4); converting visits' text."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.assistance import services
from fuqing.assistance.filters import NeedFilter
from fuqing.assistance.forms import (
    CounselForm,
    EscalateForm,
    NeedForm,
    ReopenForm,
    ResolveForm,
)
from fuqing.assistance.models import Need, NeedEvent, NeedStatus
from fuqing.assistance.views.common import can_edit_module, report_error, require_view, woman_from
from fuqing.core import paging
from fuqing.core.context_processors import list_year
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.fieldwork.models import Visit
from fuqing.registry.models import Woman


@scoped(Need, "list")
def need_list(request):
    require_view(request.user)
    year = list_year(request, searching=bool(request.GET.get("q", "").strip()))
    flt = NeedFilter(request.GET, request.user)
    qs, form, org = flt.apply(Need.objects.visible_to(request.user), default_year=year), flt.form, flt.unit()
    qs = qs.select_related("category", "org", "woman", "handler").order_by("-reported_on", "-created_at")
    page = paging.paginate(request, qs)
    export = request.GET.copy()
    for name in paging.CURSOR_PARAMS:
        export.pop(name, None)
    querystring = export.urlencode()
    export["year"] = year or ""  # the export covers the year the page shows
    return render(
        request,
        "assistance/need_list.html",
        {
            "page": page,
            "form": form,
            "org": org,
            "year": year,
            "querystring": querystring,
            "export_query": export.urlencode(),
            "today": timezone.localdate(),
            "can_edit": can_edit_module(request.user),
            "can_export": request.user.has_module_perm("assistance", "export"),
        },
    )


def _need_values(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("org")
    data.pop("id", None)
    return data


def form_posted(request) -> bool:
    """A posted form is checked against the unit posted (``NeedForm.clean``), not the prefilled one."""
    return request.method == "POST"


@scoped(Need, "create")
def need_add(request):
    """Record a need (NEED-1); ``?woman=`` and ``?visit=`` prefill it (the phone's 记诉求)."""
    services.require_edit(request.user)
    woman = woman_from(request)
    visit = None
    if request.GET.get("visit"):
        visit = get_visible_or_404(Visit, request.user, pk=request.GET["visit"])
    initial = {"org": request.user.org_id}
    settled = None  # the unit a prefilled need belongs to: handlers offered are those who see it
    if woman is not None:
        initial.update(woman=woman.pk, org=woman.org_id)
        settled = woman.org
    if visit is not None:
        initial.update(org=visit.org_id, reported_on=visit.started_on, source="visit")
        settled = visit.org
    form = NeedForm(
        request.POST or None,
        user=request.user,
        initial=initial,
        org=None if form_posted(request) else settled,
        new=True,
    )
    if request.method == "POST" and form.is_valid():
        need_id = form.cleaned_data.get("id")
        replayed = need_id is not None and services.replayed_need(request.user, need_id)
        try:
            need = replayed or services.create_need(
                request.user, org=form.cleaned_data["org"], visit=visit, id=need_id, **_need_values(form)
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            if replayed:
                messages.info(request, _("这条诉求已经保存过，没有重复记录。"))
            else:
                messages.success(request, _("诉求已登记。"))
            return redirect("assistance:need-detail", pk=need.pk)
    chosen = form["woman"].value()
    picked = woman if woman is not None and str(woman.pk) == str(chosen) else _picked(request, chosen)
    return render(
        request,
        "assistance/need_form.html",
        {"form": form, "title": _("登记诉求"), "picked": picked, "visit": visit},
    )


def _picked(request, value):
    from fuqing.registry.models import Woman

    if not value:
        return None
    try:
        return Woman.objects.visible_to(request.user).filter(pk=value).first()
    except (ValueError, ValidationError):
        return None


@scoped(Need, "read")
def need_detail(request, pk):
    need = get_visible_or_404(
        Need.objects.select_related("category", "org", "woman", "handler", "visit", "created_by"),
        request.user,
        pk=pk,
    )
    require_view(request.user)
    editable = can_edit_module(request.user) and can_edit(request.user, need)
    events = NeedEvent.objects.filter(need=need).select_related("actor")
    actions = need.actions.select_related("given_by", "given_by_org").order_by("-given_on")
    context = {
        "need": need,
        "events": events,
        "actions": actions,
        "suggestions": need.suggestions.visible_to(request.user),
        "editable": editable,
        "keywords": need.keywords.values_list("keyword", flat=True),
        "today": timezone.localdate(),
    }
    if editable:
        if need.status == NeedStatus.OPEN:
            context.update(
                resolve_form=ResolveForm(prefix="resolve"),
                counsel_form=CounselForm(prefix="counsel"),
                escalate_form=EscalateForm(prefix="escalate", user=request.user),
            )
        else:
            context["reopen_form"] = ReopenForm(prefix="reopen")
    return render(request, "assistance/need_detail.html", context)


@scoped(Need, "change")
def need_edit(request, pk):
    need = get_visible_or_404(Need.objects.select_related("woman", "org"), request.user, pk=pk)
    services.require_edit(request.user, need)
    initial = {f: getattr(need, f) for f in services.NEED_FIELDS if f != "visit"}
    initial["org"] = need.org_id
    initial["woman"] = need.woman_id
    form = NeedForm(request.POST or None, user=request.user, initial=initial, org=need.org)
    form.fields["org"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_need(request.user, need, **_need_values(form))
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assistance:need-detail", pk=need.pk)
    picked = _picked(request, form["woman"].value())
    return render(
        request,
        "assistance/need_form.html",
        {"form": form, "title": _("修改诉求"), "need": need, "picked": picked},
    )


def _transition(request, pk, form_class, prefix, apply, done_message, **form_kwargs):
    need = get_visible_or_404(Need, request.user, pk=pk)
    services.require_edit(request.user, need)
    form = form_class(request.POST, prefix=prefix, **form_kwargs)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return redirect("assistance:need-detail", pk=need.pk)
    try:
        apply(need, form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        report_error(request, exc)
    else:
        messages.success(request, done_message)
    return redirect("assistance:need-detail", pk=need.pk)


@require_POST
@scoped(Need, "change")
def need_resolve(request, pk):
    return _transition(
        request,
        pk,
        ResolveForm,
        "resolve",
        lambda need, d: services.resolve_need(request.user, need, note=d["note"], on=d["on"]),
        _("诉求已办结：已解决。"),
    )


@require_POST
@scoped(Need, "change")
def need_counsel(request, pk):
    return _transition(
        request,
        pk,
        CounselForm,
        "counsel",
        lambda need, d: services.counsel_need(request.user, need, explanation=d["explanation"], on=d["on"]),
        _("诉求已办结：解释疏导。"),
    )


@require_POST
@scoped(Need, "change")
def need_escalate(request, pk):
    return _transition(
        request,
        pk,
        EscalateForm,
        "escalate",
        lambda need, d: services.escalate_need(
            request.user,
            need,
            suggestion=d["suggestion"],
            title=d["title"],
            channel=d["channel"],
            recipient=d["recipient"],
            note=d["note"],
        ),
        _("诉求已转化为对策建议。"),
        user=request.user,
    )


@require_POST
@scoped(Need, "change")
def need_reopen(request, pk):
    return _transition(
        request,
        pk,
        ReopenForm,
        "reopen",
        lambda need, d: services.reopen_need(
            request.user, need, reason=d["reason"], review_on=d["review_on"]
        ),
        _("诉求已重新办理。"),
    )


@require_POST
@scoped(Visit, "change")
def visit_convert(request, pk):
    """Turn a visit's needs kept as text into needs (NEED-1), from the visit's page or the needs list."""
    visit = get_visible_or_404(Visit.objects.select_related("org", "place"), request.user, pk=pk)
    services.require_edit(request.user, visit)
    try:
        created = services.convert_visit_needs(request.user, visit)
    except (ValidationError, PermissionDenied) as exc:
        report_error(request, exc)
        return redirect("fieldwork:visit-detail", pk=visit.pk)
    messages.success(request, _("已从走访记录转入 %(n)d 条诉求。") % {"n": len(created)})
    return redirect("fieldwork:visit-detail", pk=visit.pk)


@scoped(Woman, "page")
def woman_search(request):
    """Registered women within scope matching a name, shown masked, to pick for a need or a pair
    (htmx fragment). Names are matched exactly or by prefix; no unmasked data leaves the server."""
    from fuqing.registry.models import Woman

    require_view(request.user)
    # The letters typed are posted, never put in the URL (issue 10 point 7): a GET finds nobody.
    q = (request.POST.get("woman_q") or request.POST.get("q") or "").strip()[:20]
    women = []
    if len(q) >= 2:
        women = list(
            Woman.objects.visible_to(request.user)
            .active()
            .filter(name__startswith=q)
            .select_related("org")
            .order_by("name")[:20]
        )
    return render(request, "assistance/_woman_choices.html", {"women": women, "q": q})
