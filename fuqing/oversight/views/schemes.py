"""Assessment schemes, inspectors, scores and the ranking (SUP-1)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core import uploads
from fuqing.core.context_processors import selected_year
from fuqing.core.replica import replica_view
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404, resolve_input
from fuqing.orgs.models import Org, OrgKind, User
from fuqing.oversight import sources
from fuqing.oversight.forms import AssignmentForm, CopyForm, ItemForm, RankingForm, SchemeForm, ScoreForm
from fuqing.oversight.models import Assignment, InspectorScore, Item, ItemKind, ResultSheet, Scheme
from fuqing.oversight.services import inspectors, schemes, scoring
from fuqing.oversight.views.common import report_errors, require_view


def _can_edit(user, scheme) -> bool:
    return user.has_module_perm("oversight", "edit") and can_edit(user, scheme)


@scoped(Scheme, "list")
def scheme_list(request):
    require_view(request.user)
    rows = list(
        Scheme.objects.visible_to(request.user).select_related("org").order_by("-year", "org__path")[:100]
    )
    cities = Org.objects.editable_by(request.user).filter(kind=OrgKind.CITY, is_active=True)
    return render(
        request,
        "oversight/scheme_list.html",
        {
            "schemes": rows,
            "can_add": request.user.has_module_perm("oversight", "edit") and cities.exists(),
        },
    )


@scoped(Scheme, "create")
def scheme_add(request):
    if not request.user.has_module_perm("oversight", "edit"):
        raise PermissionDenied(_("您没有编辑考核方案的权限。"))
    cities = Org.objects.editable_by(request.user).filter(kind=OrgKind.CITY, is_active=True).order_by("path")
    initial = {"year": selected_year(request), "org": cities.first().pk if cities.exists() else None}
    form = SchemeForm(request.POST or None, orgs=cities, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = schemes.create_scheme(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("考核方案已建立，请添加指标。"))
            return redirect("oversight:scheme-detail", pk=scheme.pk)
    return render(request, "oversight/scheme_form.html", {"form": form})


def _scheme_context(request, scheme, **extra) -> dict:
    items = list(scheme.items.all())
    labels = sources.labels()
    for item in items:
        item.figure_label = labels.get(item.figure_key, item.figure_key)
        item.no_data = item.is_computed and not sources.is_registered(item.figure_key)
    editable = _can_edit(request.user, scheme)
    assignments = list(
        Assignment.objects.visible_to(request.user)
        .filter(scheme=scheme)
        .select_related("inspector", "unit")
        .order_by("unit__path", "inspector__name")[:500]
    )
    mine = (
        list(inspectors.assigned_units(request.user, scheme)) if inspectors.is_inspector(request.user) else []
    )
    context = {
        "scheme": scheme,
        "items": items,
        "total_weight": sum(i.weight for i in items),
        "can_edit": editable and not scheme.is_published,
        "can_publish": editable
        and not scheme.is_published
        and request.user.has_module_perm("oversight", "approve"),
        "assignments": assignments,
        "my_units": mine,
        "inspected": [i for i in items if i.kind == ItemKind.INSPECTED],
        "item_form": ItemForm(),
        "copy_form": CopyForm(initial={"year": scheme.year + 1}),
    }
    if context["can_edit"]:
        context["assignment_form"] = _assignment_form(request, scheme)
    context.update(extra)
    return context


def _assignment_form(request, scheme, data=None):
    people = (
        User.objects.visible_to(request.user)
        .filter(is_active=True, roles__code=inspectors.INSPECTOR_ROLE)
        .select_related("org")
        .distinct()
        .order_by("org__path", "name")
    )
    units = (
        Org.objects.visible_to(request.user)
        .filter(
            kind__in=(OrgKind.DISTRICT, OrgKind.TOWNSHIP), is_active=True, path__startswith=scheme.org.path
        )
        .order_by("path")
    )
    return AssignmentForm(data, inspectors=people, units=units)


@scoped(Scheme, "read")
def scheme_detail(request, pk):
    scheme = get_visible_or_404(Scheme.objects.select_related("org", "published_by"), request.user, pk=pk)
    require_view(request.user)
    return render(request, "oversight/scheme_detail.html", _scheme_context(request, scheme))


def _editable_scheme(request, pk):
    scheme = get_visible_or_404(Scheme.objects.select_related("org"), request.user, pk=pk)
    if not _can_edit(request.user, scheme):
        raise PermissionDenied(_("您没有编辑该考核方案的权限。"))
    return scheme


@scoped(Scheme, "change")
def item_add(request, pk):
    scheme = _editable_scheme(request, pk)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schemes.add_item(request.user, scheme, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("指标已添加。"))
            return redirect("oversight:scheme-detail", pk=scheme.pk)
    return render(request, "oversight/item_form.html", {"form": form, "scheme": scheme})


@scoped(Item, "change")
def item_edit(request, pk):
    item = get_visible_or_404(Item.objects.select_related("scheme__org"), request.user, pk=pk)
    if not _can_edit(request.user, item.scheme):
        raise PermissionDenied(_("您没有编辑该考核方案的权限。"))
    initial = {
        f: getattr(item, f)
        for f in ("name", "kind", "weight", "figure_key", "rule", "target", "description", "position")
    }
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            schemes.change_item(request.user, item, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("指标已保存。"))
            return redirect("oversight:scheme-detail", pk=item.scheme_id)
    return render(request, "oversight/item_form.html", {"form": form, "scheme": item.scheme, "item": item})


@require_POST
@scoped(Item, "delete")
def item_delete(request, pk):
    item = get_visible_or_404(Item.objects.select_related("scheme__org"), request.user, pk=pk)
    if not _can_edit(request.user, item.scheme):
        raise PermissionDenied(_("您没有编辑该考核方案的权限。"))
    try:
        schemes.remove_item(request.user, item)
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("指标已删除。"))
    return redirect("oversight:scheme-detail", pk=item.scheme_id)


@require_POST
@scoped(Scheme, "create")
def scheme_copy(request, pk):
    scheme = _editable_scheme(request, pk)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            new = schemes.copy_scheme(request.user, scheme, form.cleaned_data["year"])
        except ValidationError as exc:
            report_errors(request, exc)
        else:
            messages.success(request, _("已复制为%(year)d年考核方案。") % {"year": new.year})
            return redirect("oversight:scheme-detail", pk=new.pk)
    else:
        report_errors(request, ValidationError(form.errors.get("year", [])))
    return redirect("oversight:scheme-detail", pk=scheme.pk)


@scoped(Scheme, "change")
def assignment_add(request, pk):
    scheme = _editable_scheme(request, pk)
    form = _assignment_form(request, scheme, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspectors.assign(request.user, scheme, form.cleaned_data["inspector"], form.cleaned_data["unit"])
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("督查分工已保存。"))
            return redirect("oversight:scheme-detail", pk=scheme.pk)
    return render(request, "oversight/assignment_form.html", {"form": form, "scheme": scheme})


@require_POST
@scoped(Assignment, "delete")
def assignment_delete(request, pk):
    assignment = get_visible_or_404(Assignment.objects.select_related("scheme__org"), request.user, pk=pk)
    if not _can_edit(request.user, assignment.scheme):
        raise PermissionDenied(_("您没有编辑该考核方案的权限。"))
    inspectors.unassign(request.user, assignment)
    messages.success(request, _("督查分工已取消。"))
    return redirect("oversight:scheme-detail", pk=assignment.scheme_id)


@require_POST
@scoped(Scheme, "change")
def scheme_publish(request, pk):
    scheme = _editable_scheme(request, pk)
    try:
        count = scoring.publish(request.user, scheme)
    except (ValidationError, PermissionDenied) as exc:
        report_errors(request, exc)
    else:
        messages.success(
            request, _("%(year)d年考核结果已公布（%(n)d个单位）。") % {"year": scheme.year, "n": count}
        )
    return redirect("oversight:scheme-detail", pk=scheme.pk)


def _year_scheme(request, year):
    """The year's scheme of the user's city (the one above her unit, or one she can see)."""
    visible = Scheme.objects.visible_to(request.user).filter(year=year).select_related("org")
    found = visible.first()
    if found is not None:
        return found
    if request.user.org_id is None:
        return None
    # a district or street sees its city's scheme (the scheme's rows are the city's; the results hers)
    return (
        Scheme.objects.filter(year=year, org__path__in=request.user.org.ancestor_paths())
        .select_related("org")
        .first()
    )


@scoped(ResultSheet, "page")
@replica_view  # a ranking: may be read from the replica
def ranking(request):
    """Totals and ranking per level: districts among districts, streets within a district. A unit sees
    its own rank and breakdown, and the sheets of the units its scope covers (SUP-1)."""
    require_view(request.user)
    year = selected_year(request)
    districts = (
        Org.objects.visible_to(request.user).filter(kind=OrgKind.DISTRICT, is_active=True).order_by("path")
    )
    form = RankingForm(request.GET or None, districts=districts)
    level, parent = "district", None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        level = form.cleaned_data["level"] or "district"
        parent = form.cleaned_data["parent"]
    if level == "street" and parent is None:
        parent = _own_district(request.user) or districts.first()
    scheme = _year_scheme(request, year)
    context = {"form": form, "year": year, "level": level, "parent": parent, "scheme": scheme}
    if scheme is not None and (level == "district" or parent is not None):
        sheets = scoring.ranking(scheme, level, parent)
        context.update(
            {
                "sheets": scoring.visible_sheets(request.user, sheets),
                "own": scoring.own_sheet(request.user, sheets),
                "of": len(sheets),
                "items": list(scheme.items.all()),
            }
        )
    return render(request, "oversight/ranking.html", context)


def _own_district(user):
    if user.org_id is None:
        return None
    paths = [*user.org.ancestor_paths(), user.org.path]
    return Org.objects.filter(path__in=paths, kind=OrgKind.DISTRICT).first()


@scoped(ResultSheet, "page")
def sheet_detail(request, scheme, unit):
    """One unit's breakdown: every item with the figures it came from and their date."""
    require_view(request.user)
    unit = get_visible_or_404(Org, request.user, pk=unit)
    year_scheme = Scheme.objects.filter(pk=scheme, org__path__in=[*unit.ancestor_paths(), unit.path]).first()
    if year_scheme is None:
        raise Http404
    level = "street" if unit.kind == OrgKind.TOWNSHIP else "district"
    if unit.kind not in (OrgKind.DISTRICT, OrgKind.TOWNSHIP):
        raise Http404
    if year_scheme.is_published:
        row = ResultSheet.objects.filter(scheme=year_scheme, unit=unit).select_related("unit").first()
        if row is None:
            raise Http404
        sheet = scoring.frozen_sheet(row)
    else:
        parent = Org.objects.filter(path=unit.path[: -Org.steplen]).first() if level == "street" else None
        sheets = scoring.ranking(year_scheme, level, parent)
        sheet = next((s for s in sheets if s.unit.pk == unit.pk), None)
        if sheet is None:
            raise Http404
    mine = set()
    if inspectors.is_inspector(request.user) and not year_scheme.is_published:
        mine = set(
            Assignment.objects.filter(scheme=year_scheme, inspector=request.user, unit=unit).values_list(
                "unit_id", flat=True
            )
        )
    return render(
        request,
        "oversight/sheet.html",
        {"scheme": year_scheme, "sheet": sheet, "can_score": bool(mine)},
    )


@scoped(Item, "change", fk_fields={"unit": Org})
def score_edit(request, pk):
    """An inspector scores an inspected item of a unit she is assigned to (the unit: ``?unit=`` on the
    form, ``unit`` in its post)."""
    item = get_visible_or_404(Item.objects.select_related("scheme__org"), request.user, pk=pk)
    if not _can_edit(request.user, item.scheme):
        raise PermissionDenied(_("您没有被分配督查该单位，不能评分。"))
    raw = request.POST.get("unit") or request.GET.get("unit")
    if not raw:
        return HttpResponseBadRequest(_("被考核单位：请从单位的得分明细进入评分。"))
    unit = resolve_input(Org, request.user, raw)
    if unit is None:
        raise Http404
    if not Assignment.objects.filter(scheme=item.scheme, inspector=request.user, unit=unit).exists():
        raise PermissionDenied(_("您没有被分配督查该单位，不能评分。"))
    current = InspectorScore.objects.filter(item=item, unit=unit).first()
    initial = {"unit": unit.pk}
    if current:
        initial.update(points=current.points, comment=current.comment, evidence_note=current.evidence_note)
    form = ScoreForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspectors.score(
                request.user,
                item,
                unit,
                points=data["points"],
                comment=data["comment"],
                evidence=data["evidence"],
                evidence_note=data["evidence_note"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("评分已保存。"))
            return redirect("oversight:sheet", scheme=item.scheme_id, unit=unit.pk)
    return render(
        request, "oversight/score_form.html", {"form": form, "item": item, "unit": unit, "current": current}
    )


@scoped(InspectorScore, "read")
def score_evidence(request, pk):
    row = get_visible_or_404(InspectorScore, request.user, pk=pk)
    require_view(request.user)
    if not row.has_file:
        raise Http404
    return uploads.private_download(row.file_path, row.file_name, row.content_type)
