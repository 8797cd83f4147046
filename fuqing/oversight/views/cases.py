"""Good cases, publicity and rules (SUP-2, SUP-4)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core import uploads
from fuqing.core.context_processors import selected_year
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.orgs.models import Org
from fuqing.oversight.forms import (
    CaseFilterForm,
    CaseForm,
    DecisionForm,
    ListFilterForm,
    PracticeForm,
    PublicityForm,
)
from fuqing.oversight.models import CaseStatus, GoodCase, Practice, PublicityItem
from fuqing.oversight.services import cases as services
from fuqing.oversight.views.common import querystring, report_errors, require_view


def _edit_units(user):
    return Org.objects.editable_by(user).filter(is_active=True, depth__lte=4).order_by("path")


def _require_edit(user):
    if not user.has_module_perm("oversight", "edit"):
        raise PermissionDenied(_("您没有编辑督查考核材料的权限。"))


@scoped(GoodCase, "list")
def case_list(request):
    require_view(request.user)
    form = CaseFilterForm(request.GET or None)
    year, status, q = selected_year(request), "", ""
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        status, q = form.cleaned_data["status"], form.cleaned_data["q"].strip()
    rows = GoodCase.objects.visible_to(request.user).filter(year=year).select_related("org")
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(org__name__icontains=q))
    page = Paginator(rows.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/case_list.html",
        {
            "form": form,
            "page": page,
            "year": year,
            "querystring": querystring(request),
            "can_add": request.user.has_module_perm("oversight", "edit"),
            "can_export": request.user.has_module_perm("oversight", "export"),
        },
    )


@scoped(GoodCase, "create")
def case_add(request):
    _require_edit(request.user)
    units = _edit_units(request.user)
    initial = {"year": selected_year(request), "org": request.user.org_id}
    initial.update({k: request.GET[k] for k in ("source_kind", "source_id") if k in request.GET})
    form = CaseForm(
        request.POST or None,
        request.FILES or None,
        orgs=units,
        source_choices=services.available_sources(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.create_case(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("典型案例已保存为草稿，确认后请报送。"))
            return redirect("oversight:case-detail", pk=case.pk)
    return render(request, "oversight/case_form.html", {"form": form})


@scoped(GoodCase, "read")
def case_detail(request, pk):
    case = get_visible_or_404(GoodCase.objects.select_related("org", "promoted_by_org"), request.user, pk=pk)
    require_view(request.user)
    editable = request.user.has_module_perm("oversight", "edit") and can_edit(request.user, case)
    return render(
        request,
        "oversight/case_detail.html",
        {
            "case": case,
            "can_submit": editable and case.status in (CaseStatus.DRAFT, CaseStatus.RETURNED),
            "can_decide": services.is_city_decider(request.user)
            and can_edit(request.user, case)
            and case.status in (CaseStatus.SUBMITTED, CaseStatus.SELECTED),
            "publicity": list(case.publicity.visible_to(request.user).order_by("-published_on")[:50]),
            "rules": list(case.rules.visible_to(request.user).order_by("-issued_on")[:50]),
            "decision_form": DecisionForm(),
        },
    )


@require_POST
@scoped(GoodCase, "change")
def case_action(request, pk):
    case = get_visible_or_404(GoodCase.objects.select_related("org"), request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        report_errors(request, ValidationError([e for errs in form.errors.values() for e in errs]))
        return redirect("oversight:case-detail", pk=case.pk)
    decision = form.cleaned_data["decision"]
    try:
        if decision == "submit":
            services.submit_case(request.user, case)
        else:
            services.decide_case(request.user, case, decision, form.cleaned_data["note"])
    except (ValidationError, PermissionDenied) as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("案例状态已更新为“%(s)s”。") % {"s": case.get_status_display()})
    return redirect("oversight:case-detail", pk=case.pk)


@scoped(GoodCase, "read")
def case_evidence(request, pk):
    case = get_visible_or_404(GoodCase, request.user, pk=pk)
    require_view(request.user)
    if not case.has_file:
        raise Http404
    return uploads.private_download(case.file_path, case.file_name, case.content_type)


def _counts_by_child(user, model, year, area):
    """Items per child unit of ``area`` (its whole subtree), one GROUP BY."""
    from django.db.models.functions import Substr

    width = len(area.path) + Org.steplen
    rows = (
        model.objects.visible_to(user)
        .filter(year=year, org__path__startswith=area.path)
        .annotate(unit=Substr("org__path", 1, width))
        .values("unit")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {r["unit"]: r["n"] for r in rows}
    children = (
        Org.objects.visible_to(user).filter(path__startswith=area.path, depth=area.depth + 1).order_by("path")
    )
    own = counts.get(area.path, 0)
    return [(area.name + _("（本级）"), own)] + [(c.name, counts.get(c.path, 0)) for c in children[:200]]


@scoped(PublicityItem, "list")
def publicity_list(request):
    require_view(request.user)
    form = ListFilterForm(request.GET or None)
    year, q = selected_year(request), ""
    if form.is_valid():
        year, q = form.cleaned_data["year"] or year, form.cleaned_data["q"].strip()
    rows = PublicityItem.objects.visible_to(request.user).filter(year=year).select_related("org", "case")
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(media__icontains=q) | Q(org__name__icontains=q))
    page = Paginator(rows.order_by("-published_on", "-id"), 50).get_page(request.GET.get("page"))
    area = request.user.org
    return render(
        request,
        "oversight/publicity_list.html",
        {
            "form": form,
            "page": page,
            "year": year,
            "counts": _counts_by_child(request.user, PublicityItem, year, area) if area else [],
            "querystring": querystring(request),
            "can_add": request.user.has_module_perm("oversight", "edit"),
            "can_export": request.user.has_module_perm("oversight", "export"),
        },
    )


@scoped(PublicityItem, "create")
def publicity_add(request):
    _require_edit(request.user)
    cases = GoodCase.objects.visible_to(request.user).order_by("-year", "title")
    form = PublicityForm(
        request.POST or None,
        orgs=_edit_units(request.user),
        cases=cases,
        initial={"org": request.user.org_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_publicity(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("宣传报道已登记。"))
            return redirect("oversight:publicity")
    return render(
        request,
        "oversight/simple_form.html",
        {"form": form, "title": _("登记宣传报道"), "back": "oversight:publicity"},
    )


@scoped(Practice, "list")
def practice_list(request):
    require_view(request.user)
    form = ListFilterForm(request.GET or None)
    year, q = selected_year(request), ""
    if form.is_valid():
        year, q = form.cleaned_data["year"] or year, form.cleaned_data["q"].strip()
    rows = Practice.objects.visible_to(request.user).filter(year=year).select_related("org", "case")
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(org__name__icontains=q))
    page = Paginator(rows.order_by("-issued_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/practice_list.html",
        {
            "form": form,
            "page": page,
            "year": year,
            "querystring": querystring(request),
            "can_add": request.user.has_module_perm("oversight", "edit"),
        },
    )


@scoped(Practice, "create")
def practice_add(request):
    _require_edit(request.user)
    cases = GoodCase.objects.visible_to(request.user).order_by("-year", "title")
    form = PracticeForm(
        request.POST or None,
        request.FILES or None,
        orgs=_edit_units(request.user),
        cases=cases,
        initial={"org": request.user.org_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_practice(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("制度规定已登记。"))
            return redirect("oversight:practices")
    return render(
        request,
        "oversight/simple_form.html",
        {"form": form, "title": _("登记制度规定"), "back": "oversight:practices", "multipart": True},
    )


@scoped(Practice, "read")
def practice_document(request, pk):
    row = get_visible_or_404(Practice, request.user, pk=pk)
    require_view(request.user)
    if not row.has_file:
        raise Http404
    return uploads.private_download(row.file_path, row.file_name, row.content_type)
