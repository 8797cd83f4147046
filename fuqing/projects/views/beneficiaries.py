"""Beneficiaries (PRJ-4): the list, recording help for a woman picked from the registry within the
user's scope (masked), one record's page with the woman's other benefits, and removal with a reason."""

from __future__ import annotations

import hashlib
import json
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core import paging, searches
from fuqing.core.computed import shared
from fuqing.core.context_processors import list_year
from fuqing.core.frame import generation
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.orgs.models import Org
from fuqing.projects import services
from fuqing.projects.access import require_edit, require_view
from fuqing.projects.filters import BeneficiaryFilter
from fuqing.projects.forms import BeneficiaryForm, DeleteForm, federations
from fuqing.projects.models import Beneficiary, Project
from fuqing.projects.views.common import page_year
from fuqing.registry.models import Woman


def _filtered(request):
    qs = Beneficiary.objects.visible_to(request.user).select_related("woman", "project", "org")
    flt = BeneficiaryFilter(searches.expand(request, request.GET), request.user)
    q = (flt.data.get("q") or "").strip()
    year = flt.data.get("year") or list_year(request, searching=bool(q))
    return flt.apply(qs, default_year=year), q, year


PAGE_SIZE = 50
TOTALS_FRESH_SECONDS = 300
TOTALS_MIN_SECONDS = 60


def _aggregate(qs) -> dict:
    return qs.aggregate(records=Count("id"), women=Count("woman_id", distinct=True), amount=Sum("amount"))


def _totals(qs, count) -> tuple[dict, object]:
    """The list's totals: live up to the paging threshold; above it (a city's half a million records)
    computed by one request at a time and shared under the list's SQL — its scope and filters — until a
    beneficiary is written (the ``projects`` generation), with the time they were computed (D109)."""
    if count.exact:
        return _aggregate(qs), None
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    key = "fuqing:beneficiaries:totals:" + hashlib.sha1(f"{sql}|{params!r}".encode()).hexdigest()  # noqa: S324
    computed = shared(
        key,
        lambda: _aggregate(qs),
        TOTALS_FRESH_SECONDS,
        version=generation("projects"),
        min_seconds=TOTALS_MIN_SECONDS,
    )
    return computed.value, computed.at


@scoped(Beneficiary, "list")
def beneficiary_list(request):
    require_view(request.user)
    # A woman's name searched never travels in the URL (issue 10, as on the registry): posted, kept
    # behind a session token that the page's links and the ledger export carry instead.
    source = request.POST if request.method == "POST" else request.GET
    moved = searches.move_out_of_url(request, source, ("q",))
    if request.method == "POST" or moved is not None:
        moved = moved if moved is not None else source.copy()
        moved.pop("csrfmiddlewaretoken", None)
        query = moved.urlencode()
        return redirect(reverse("projects:beneficiaries") + (f"?{query}" if query else ""))
    qs, q, year = _filtered(request)
    page = paging.paginate(request, qs.order_by("-received_on", "-created_at"), PAGE_SIZE)
    totals, as_of = _totals(qs, page.count)
    params = request.GET.copy()
    for name in paging.CURSOR_PARAMS:
        params.pop(name, None)
    projects = Project.objects.visible_to(request.user).filter(year=page_year(request)).order_by("sort")
    return render(
        request,
        "projects/beneficiary_list.html",
        {
            "page": page,
            "q": q,
            "year": year,
            "totals": totals,
            "as_of": as_of,
            "projects": projects,
            "project": request.GET.get("project", ""),
            "querystring": params.urlencode(),
            "can_edit": request.user.has_module_perm("projects", "edit"),
        },
    )


@scoped(Beneficiary, "create")
def beneficiary_add(request):
    require_edit(request.user)
    year = page_year(request)
    projects = list(
        Project.objects.visible_to(request.user).filter(year=year).select_related("org").order_by("sort")
    )
    orgs = list(federations(Org.objects.editable_by(request.user))[:500])
    initial = {"org": request.user.org_id, "project": request.GET.get("project")}
    form = BeneficiaryForm(request.POST or None, projects=projects, orgs=orgs, initial=initial)
    woman = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        woman = Woman.objects.visible_to(request.user).filter(pk=data["woman"]).first()
        try:
            record = services.record_beneficiary(
                request.user,
                project=data["project"],
                woman=woman,
                org=data["org"],
                received_on=data["received_on"],
                help_kind=data["help_kind"],
                amount_yuan=data["amount"],
                notes=data["notes"],
                consent_exception=data["consent_exception"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已记录受益人。"))
            if request.POST.get("again"):
                return redirect(f"{request.path}?project={record.project_id}")
            return redirect("projects:beneficiary", pk=record.pk)
    elif request.method == "POST" and _is_uuid(request.POST.get("woman")):
        woman = Woman.objects.visible_to(request.user).filter(pk=request.POST["woman"]).first()
    kinds = {str(p.pk): p.help_kinds for p in projects}
    return render(
        request,
        "projects/beneficiary_form.html",
        {"form": form, "woman": woman, "kinds_json": json.dumps(kinds, ensure_ascii=False), "year": year},
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except (TypeError, ValueError):
        return False
    return True


@scoped(Woman, "page")  # a picker: only what is in scope may appear (the name is posted)
def woman_search(request):
    """The picker's results: women of the registry in the user's scope, masked. A result whose name is
    exactly what was typed shows it (the user knows it already); other matches stay masked."""
    require_edit(request.user)
    # The name typed is posted, never put in the URL (issue 10 point 7): a GET finds nobody.
    q = request.POST.get("q", "").strip()[:50]
    women = []
    if len(q) >= 1:
        women = list(
            Woman.objects.visible_to(request.user)
            .active()
            .filter(name__icontains=q)
            .select_related("org")
            .order_by("name")[:20]
        )
    return render(request, "projects/_woman_options.html", {"women": women, "q": q})


@scoped(Beneficiary, "read")
def beneficiary_detail(request, pk):
    record = get_visible_or_404(
        Beneficiary.objects.select_related("woman", "project", "org", "created_by"), request.user, pk=pk
    )
    require_view(request.user)
    others = (
        Beneficiary.objects.visible_to(request.user)
        .filter(woman_id=record.woman_id)
        .exclude(pk=record.pk)
        .select_related("project", "org")
        .order_by("-received_on")[:50]
    )
    return render(
        request,
        "projects/beneficiary_detail.html",
        {
            "record": record,
            "others": others,
            "delete_form": DeleteForm(),
            "can_edit": request.user.has_module_perm("projects", "edit") and can_edit(request.user, record),
        },
    )


@require_POST
@scoped(Beneficiary, "delete")
def beneficiary_delete(request, pk):
    record = get_visible_or_404(Beneficiary, request.user, pk=pk)
    require_edit(request.user)
    if not can_edit(request.user, record):
        raise PermissionDenied(_("只读范围：您可以查看该记录，但不能删除。"))
    form = DeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("删除原因：删除受益人记录须说明原因。"))
        return redirect("projects:beneficiary", pk=record.pk)
    try:
        services.remove_beneficiary(request.user, record, form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("projects:beneficiary", pk=record.pk)
    messages.success(request, _("已删除该受益人记录，原因已记入操作日志。"))
    return redirect("projects:beneficiaries")
