"""Visits and stationed stays (FLD-2, FLD-3): list, record on a phone, read, change, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core import frame, paging, uploads
from fuqing.core.context_processors import list_year
from fuqing.core.models import AuditEvent
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404, resolve_input
from fuqing.fieldwork import attachments, services
from fuqing.fieldwork.filters import VisitFilter
from fuqing.fieldwork.forms import (
    PlaceSearchForm,
    VisitForm,
    place_options,
    woman_label,
    women_json,
)
from fuqing.fieldwork.hooks import needs_hook
from fuqing.fieldwork.models import STATIONED_MIN_DAYS, ContactPoint, Visit, VisitAttachment, VisitMethod
from fuqing.fieldwork.services import CONTACT_POINT_KINDS, PLACE_KINDS
from fuqing.fieldwork.views.common import require_edit, require_view
from fuqing.orgs.models import Org
from fuqing.registry.models import Woman

PAGE_SIZE = 30


def filtered_visits(request, stationed: bool = False):
    """The visits of the list's filters (allowlisted, SEC-4): keyword, year, method, mine."""
    params = request.GET.copy()
    if stationed:
        params["method"] = VisitMethod.STATIONED
    flt = VisitFilter(params, request.user)
    # the top bar's year unless one is asked for; a search looks through every year
    year = flt.year(list_year(request, searching=bool(flt.data.get("q"))))
    return flt.apply(Visit.objects.visible_to(request.user), default_year=year), flt.form, year


def _year_notices(request, year: int | None, stationed: bool) -> dict:
    """FLD-1: a list pinned to one year says what was recorded in other (later) years, with a link, so
    nothing recorded "disappears"; when today's year has no campaign yet the user is told, and offered
    the campaign setup if she may do it (else told whom to ask)."""

    today_year = timezone.localdate().year
    others = []
    if year:
        qs = Visit.objects.visible_to(request.user).filter(year__gt=year)
        if stationed:
            qs = qs.filter(method=VisitMethod.STATIONED)
        others = list(qs.values("year").annotate(n=Count("id")).order_by("-year").values_list("year", "n"))
    missing = today_year not in frame.campaign_years(request.user)  # the top bar's years (cached)
    return {
        "later_years": others,
        "missing_campaign_year": today_year if missing else None,
        "can_set_up_campaign": missing and request.user.has_admin_ability("manage_campaigns"),
    }


def _list(request, stationed: bool):
    require_view(request.user)
    qs, form, year = filtered_visits(request, stationed)
    qs = qs.select_related("org", "place", "lead", "contact_point__place").order_by(
        "-started_on", "-created_at"
    )
    page = paging.paginate(request, qs, PAGE_SIZE)
    params = request.GET.copy()
    for name in paging.CURSOR_PARAMS:
        params.pop(name, None)
    return render(
        request,
        "fieldwork/visit_list.html",
        {
            **_year_notices(request, year, stationed),
            "page": page,
            "form": form,
            "year": year,
            "stationed": stationed,
            "min_days": STATIONED_MIN_DAYS,
            "querystring": params.urlencode(),
            "can_edit": request.user.has_module_perm("fieldwork", "edit"),
            "export_query": params.urlencode(),
        },
    )


@scoped(Visit, "list")
def visit_list(request):
    return _list(request, stationed=False)


@scoped(Visit, "list")
def stay_list(request):
    """蹲点: stationed stays, each at least seven days (FLD-3)."""
    return _list(request, stationed=True)


@scoped(Visit, "read")
def visit_detail(request, pk):
    visit = get_visible_or_404(
        Visit.objects.select_related("org", "place", "lead", "contact_point__place", "created_by"),
        request.user,
        pk=pk,
    )
    require_view(request.user)
    history = (
        AuditEvent.objects.visible_to(request.user)
        .filter(object_type="fieldwork.visit", object_id=str(visit.pk))
        .select_related("actor")
        .order_by("-seq")[:20]
    )
    editable = can_edit(request.user, visit)
    needs, pending, text_only = _visit_needs(request.user, visit)
    return render(
        request,
        "fieldwork/visit_detail.html",
        {
            "visit": visit,
            "members": visit.memberships.select_related("user", "user__org").order_by(
                "-is_lead", "user__name"
            ),
            "groups": visit.group_counts.select_related("group").order_by("group__sort"),
            "needs": needs,
            "pending_needs": pending,
            "text_needs": text_only,
            "can_convert": bool(pending) and editable and services.may_record_needs(request.user),
            "files": visit.attachments.all(),
            "history": history,
            "can_edit": editable and request.user.has_module_perm("fieldwork", "edit"),
        },
    )


def _visit_needs(user, visit: Visit):
    """The needs register's rows of this visit the user may see (NEED-1), and the lines of its text
    that are not needs yet (recorded before the register, or by someone who may not record needs);
    for a user without the needs module, the visit's text as it is."""
    visit_needs = needs_hook("visit_needs")
    if visit_needs is None or not user.has_module_perm("assistance", "view"):  # not hers: the text
        return [], [], services.parse_needs(visit.needs_text)
    needs, pending = visit_needs(user, visit)
    return needs, pending, []


def _data_from(form: VisitForm) -> services.VisitData:
    data = form.cleaned_data
    return services.VisitData(
        id=data.get("id"),
        org=data["org"],
        started_on=data["started_on"],
        ended_on=data["ended_on"] or data["started_on"],
        method=data["method"],
        contact_point=data["contact_point"],
        place=data["place"],
        lead=data["lead"],
        members=list(data["members"]),
        women_met=data["women_met"] or 0,
        group_counts=form.group_counts(),
        notes=data["notes"],
        needs_text=data["needs_text"],
        year=data["year"],
        women=data.get("women"),
    )


def _save(request, form: VisitForm, visit: Visit | None):
    """Save the visit and its files together: a bad file leaves no visit behind."""
    try:
        with transaction.atomic():
            saved, created = services.save_visit(request.user, visit, _data_from(form))
            files = form.cleaned_data.get("files") or []
            if files and (created or visit is not None):
                attachments.add_attachments(request.user, saved, files)
    except ValidationError as exc:
        form.apply_service_error(exc)
        return None
    if visit is None and not created:
        messages.info(request, _("这次走访已经保存过，没有重复记录。"))
    elif visit is None:
        messages.success(request, _("走访已记录。"))
    else:
        messages.success(request, _("已保存。"))
    return redirect("fieldwork:visit-detail", pk=saved.pk)


@scoped(Visit, "create")
def visit_add(request):
    """记走访: the phone's one-minute form (FLD-2)."""
    require_edit(request.user)
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=_initial_from_query(request),
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, None)
        if response is not None:
            return response
    return render(request, "fieldwork/visit_form.html", {"form": form, "title": _("记走访")})


def _initial_from_query(request) -> dict:
    """A contact point's page links here with ?contact_point=<id>; stays with ?method=stationed."""
    initial = {}
    contact_point = resolve_input(ContactPoint, request.user, request.GET.get("contact_point"))
    if contact_point is not None:  # through the door: a foreign id prefills nothing
        initial["contact_point"] = contact_point.pk
    if request.GET.get("method") in VisitMethod.values:
        initial["method"] = request.GET["method"]
    return initial


@scoped(Visit, "change")
def visit_edit(request, pk):
    visit = get_visible_or_404(Visit.objects.select_related("org"), request.user, pk=pk)
    require_edit(request.user)
    if not can_edit(request.user, visit):
        raise PermissionDenied(_("只读范围：您可以查看该走访，但不能修改。"))
    initial = {
        "org": visit.org_id,
        "started_on": visit.started_on,
        "ended_on": visit.ended_on,
        "method": visit.method,
        "contact_point": visit.contact_point_id,
        "place": None if visit.contact_point_id else visit.place_id,
        "lead": visit.lead_id,
        "members": list(visit.members.values_list("pk", flat=True)),
        "women_met": visit.women_met,
        "notes": visit.notes,
        "needs_text": visit.needs_text,
        "year": visit.year,
        "women": women_json(visit),
    }
    form = VisitForm(
        request.POST or None, request.FILES or None, user=request.user, visit=visit, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, visit)
        if response is not None:
            return response
    return render(
        request, "fieldwork/visit_form.html", {"form": form, "title": _("修改走访"), "visit": visit}
    )


@require_POST
@scoped(Visit, "delete")
def visit_delete(request, pk):
    visit = get_visible_or_404(Visit, request.user, pk=pk)
    services.delete_visit(request.user, visit)
    messages.success(request, _("走访已删除。"))
    return redirect("fieldwork:visits")


@scoped(VisitAttachment, "read")
def attachment_download(request, pk):
    """Files are never served from a public folder; this view checks scope first (ORG-3)."""
    item = get_visible_or_404(VisitAttachment, request.user, pk=pk)
    require_view(request.user)
    store = attachments.storage()
    if not store.exists(item.stored_name):
        raise Http404
    inline = item.kind in ("image", "pdf")  # sniffed on upload; shown in the page
    return uploads.download(store.open(item.stored_name, "rb"), item.name, item.content_type, inline=inline)


@require_POST
@scoped(VisitAttachment, "delete")
def attachment_delete(request, pk):
    item = get_visible_or_404(VisitAttachment.objects.select_related("visit"), request.user, pk=pk)
    attachments.delete_attachment(request.user, item)
    messages.success(request, _("附件已删除。"))
    return redirect("fieldwork:visit-detail", pk=item.visit_id)


@scoped(Org, "list")
def place_search(request):
    """htmx: the place picker's options matching what the user typed (within her scope)."""
    require_view(request.user)
    form = PlaceSearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    kinds = request.GET.get("kinds")

    options = place_options(
        request.user, request.user.org, CONTACT_POINT_KINDS if kinds == "cp" else PLACE_KINDS, q=q
    )
    return render(request, "fieldwork/_place_options.html", {"options": options})


@scoped(Woman, "page")
@require_POST
def woman_search(request):
    """htmx (POST: a name never enters a URL or a log): registered women of the visit's place whose
    name matches, masked (FLD-2, SEC-8), through the scope door; at most 10."""
    require_view(request.user)
    if not request.user.has_module_perm("registry", "view"):
        raise PermissionDenied
    q = (request.POST.get("wq") or "").strip()[:20]
    place = None
    contact_point = resolve_input(ContactPoint, request.user, request.POST.get("contact_point"))
    if contact_point is not None:
        place = contact_point.place
    else:
        place = resolve_input(Org, request.user, request.POST.get("place"))
    women = []
    if q and place is not None:
        women = [
            {"id": str(w.pk), "label": woman_label(w)}
            for w in Woman.objects.visible_to(request.user)
            .active()
            .filter(org__path__startswith=place.path, name__icontains=q)
            .select_related("org")
            .order_by("name")[:10]
        ]
    return render(
        request,
        "fieldwork/_woman_options.html",
        {"women": women, "q": q, "place": place},
    )
