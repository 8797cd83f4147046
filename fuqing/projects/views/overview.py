"""Projects overview, project and indicator pages, the split-target editor and the yearly copy
(PRJ-1, PRJ-2, PRJ-3)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404, subtree_q, user_scope
from fuqing.orgs.models import Org, OrgKind
from fuqing.projects import metrics, services
from fuqing.projects.access import require_edit, require_view
from fuqing.projects.forms import CopyForm, IndicatorForm, ProjectForm, federations
from fuqing.projects.models import Indicator, ProgressEntry, Project
from fuqing.projects.views.common import (
    as_of_choices,
    children_of,
    lineage,
    page_year,
    requested_date,
    selected_unit,
    view_date,
)


def indicators_for(user, unit: Org, year: int):
    """Indicators of the projects that apply to ``unit``: run by it or by one of its ancestors."""
    return list(
        Indicator.objects.visible_to(user)
        .filter(project__year=year, project__org__path__in=[*unit.ancestor_paths(), unit.path])
        .select_related("project", "project__org", "project__campaign", "project__lead_department")
        .order_by("project__sort", "project_id", "sort", "id")
    )


def group_by_project(indicators, figures, unit) -> list[dict]:
    groups: dict[int, dict] = {}
    for indicator in indicators:
        group = groups.setdefault(indicator.project_id, {"project": indicator.project, "rows": []})
        group["rows"].append(figures[(indicator.pk, unit.pk)])
    return list(groups.values())


def child_summary(indicators, figures, children) -> list[dict]:
    """Per child unit: how many indicators lag, and which."""
    summary = []
    for child in children:
        rows = [figures[(i.pk, child.pk)] for i in indicators]
        lagging = [f for f in rows if f.is_lagging]
        summary.append(
            {
                "org": child,
                "lagging": lagging,
                "on_track": sum(
                    1 for f in rows if f.status in (metrics.Status.ON_TRACK, metrics.Status.COMPLETED)
                ),
                "no_target": sum(1 for f in rows if f.status == metrics.Status.NO_TARGET),
                "at_risk": sum(1 for f in lagging if f.status in metrics.SEVERE),
            }
        )
    return summary


@scoped(Project, "list")
def overview(request):
    """Every indicator of the unit's projects with completion and status, rolled up the tree (PRJ-3);
    with ``?q=`` a search over every visible project."""
    require_view(request.user)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        found = (
            Project.objects.visible_to(request.user)
            .filter(Q(name__icontains=q) | Q(description__icontains=q))
            .select_related("org", "lead_department")
            .order_by("-year", "sort")[:100]
        )
        return render(request, "projects/search.html", {"q": q, "projects": found})
    year = page_year(request)
    unit = selected_unit(request)
    context = {"year": year, "unit": unit, "q": q}
    if unit is None:
        return render(request, "projects/overview.html", context)
    campaign, on = view_date(request, unit, year)
    indicators = indicators_for(request.user, unit, year)
    children = children_of(unit, request.user)
    figures = metrics.figures(indicators, [unit, *children], on) if on else {}
    groups = group_by_project(indicators, figures, unit) if on else []
    statuses = [f.status for f in (figures.get((i.pk, unit.pk)) for i in indicators) if f]
    context.update(
        {
            "campaign": campaign,
            "on": on,
            "as_of_choices": as_of_choices(campaign, on) if campaign else [],
            "groups": groups,
            "children": child_summary(indicators, figures, children) if on else [],
            "lineage": lineage(unit, request.user),
            "counts": {
                "total": len(statuses),
                "lagging": sum(1 for s in statuses if s in metrics.LAGGING),
                "at_risk": sum(1 for s in statuses if s in metrics.SEVERE),
                "done": statuses.count(metrics.Status.COMPLETED),
            },
            "can_edit": request.user.has_module_perm("projects", "edit")
            and user_scope(request.user).covers(unit.path, edit=True),
        }
    )
    return render(request, "projects/overview.html", context)


@scoped(Project, "read")
def project_detail(request, pk):
    project = get_visible_or_404(
        Project.objects.select_related("org", "campaign", "lead_department"), request.user, pk=pk
    )
    require_view(request.user)
    unit = unit_for(request, project.org)
    on = metrics.view_date(project.campaign, timezone.localdate(), requested_date(request))
    indicators = list(project.indicators.select_related("project", "project__campaign", "project__org"))
    figures = metrics.figures(indicators, [unit], on) if unit else {}
    rows = [figures.get((i.pk, unit.pk)) for i in indicators] if unit else []
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "unit": unit,
            "on": on,
            "rows": [r for r in rows if r is not None],
            "indicators": indicators,
            "can_edit": request.user.has_module_perm("projects", "edit") and can_edit(request.user, project),
        },
    )


def unit_for(request, project_org: Org) -> Org | None:
    """The unit whose figures a project page shows: the chosen (or the user's) unit inside the project's
    area, else the project's own unit when the user's scope covers it. Never a unit beyond her scope."""
    unit = selected_unit(request)
    if unit is not None and unit.path.startswith(project_org.path):
        return unit
    if user_scope(request.user).covers(project_org.path):
        return project_org
    return None


def _departments(org: Org):
    return Org.objects.filter(
        subtree_q(org.path), depth=org.depth + 1, kind=OrgKind.DEPARTMENT, is_active=True
    )


@scoped(Project, "create")
def project_add(request):
    require_edit(request.user)
    orgs = list(
        federations(Org.objects.editable_by(request.user)).filter(
            kind__in=[OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP]
        )[:500]
    )
    chosen = orgs[0] if orgs else None
    raw_org = request.POST.get("org") or request.GET.get("org")
    chosen = next((o for o in orgs if str(o.pk) == raw_org), chosen)
    form = ProjectForm(
        request.POST or None,
        orgs=orgs,
        departments=_departments(chosen) if chosen else [],
        initial={"org": chosen.pk if chosen else None, "sort": 100},
    )
    year = page_year(request)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["org"]
        campaign = services.campaign_for_org(org, year)
        try:
            if campaign is None:
                raise ValidationError({"org": _("还没有覆盖该单位的%(y)d年活动。") % {"y": year}})
            project = services.create_project(
                request.user,
                org=org,
                campaign=campaign,
                name=form.cleaned_data["name"],
                lead_department=form.cleaned_data["lead_department"],
                description=form.cleaned_data["description"],
                help_kinds=form.cleaned_data["help_kinds"],
                sort=form.cleaned_data["sort"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("项目已创建，请为它增加指标。"))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/form.html", {"form": form, "title": _("新建%(y)d年项目") % {"y": year}})


@scoped(Project, "change")
def project_edit(request, pk):
    project = get_visible_or_404(Project.objects.select_related("org"), request.user, pk=pk)
    require_edit(request.user)
    if not can_edit(request.user, project):
        raise PermissionDenied(_("只读范围：您可以查看该项目，但不能修改。"))
    initial = {
        "name": project.name,
        "lead_department": project.lead_department_id,
        "description": project.description,
        "help_kinds": "、".join(project.help_kinds),
        "sort": project.sort,
    }
    form = ProjectForm(
        request.POST or None, initial=initial, departments=_departments(project.org), editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(request.user, project, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/form.html", {"form": form, "title": _("修改项目"), "project": project})


@scoped(Project, "change")
def indicator_add(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    require_edit(request.user)
    if not can_edit(request.user, project):
        raise PermissionDenied(_("只读范围：您可以查看该项目，但不能修改。"))
    form = IndicatorForm(request.POST or None, project=project, initial={"sort": 100})
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.add_indicator(request.user, project, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已增加指标“%(n)s”。") % {"n": indicator.name})
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/form.html", {"form": form, "title": _("增加指标"), "project": project})


@scoped(Indicator, "change")
def indicator_edit(request, pk):
    indicator = get_visible_or_404(Indicator.objects.select_related("project"), request.user, pk=pk)
    require_edit(request.user)
    if not can_edit(request.user, indicator):
        raise PermissionDenied(_("只读范围：您可以查看该指标，但不能修改。"))
    initial = {
        "name": indicator.name,
        "unit": indicator.unit,
        "target": indicator.target,
        "source": indicator.source,
        "measure": indicator.measure,
        "help_kind": indicator.help_kind,
        "profile": ",".join(f"{p:g}" for p in indicator.profile) if indicator.profile else "",
        "sort": indicator.sort,
        "notes": indicator.notes,
    }
    form = IndicatorForm(request.POST or None, project=indicator.project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_indicator(request.user, indicator, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("projects:indicator", pk=indicator.pk)
    return render(
        request, "projects/form.html", {"form": form, "title": _("修改指标"), "project": indicator.project}
    )


@scoped(Indicator, "read")
def indicator_detail(request, pk):
    """One indicator at one unit: figures, the monthly chart against the expected line (with its table),
    the children's breakdown, and the split of the unit's target (PRJ-2, PRJ-3)."""
    indicator = get_visible_or_404(
        Indicator.objects.select_related("project", "project__org", "project__campaign"), request.user, pk=pk
    )
    require_view(request.user)
    unit = unit_for(request, indicator.project.org)
    if unit is None:
        raise PermissionDenied(_("请选择项目范围内的单位。"))
    on = metrics.view_date(indicator.project.campaign, timezone.localdate(), requested_date(request))
    children = children_of(unit, request.user)
    figures = metrics.figures([indicator], [unit, *children], on)
    series = metrics.monthly_series(indicator, unit, on)
    split = services.get_split(indicator, unit) if children else None
    chart = {
        "name": indicator.name,
        "unit": indicator.get_unit_display(),
        "labels": [p["label"] for p in series],
        "values": [None if p["future"] else float(p["value"]) for p in series],
        "expected": [None if p["expected"] is None else float(p["expected"]) for p in series],
        "target": None
        if figures[(indicator.pk, unit.pk)].target is None
        else float(figures[(indicator.pk, unit.pk)].target),
    }
    entries = []
    if indicator.is_reported:
        entries = list(
            ProgressEntry.objects.visible_to(request.user)
            .filter(indicator=indicator, org=unit)
            .select_related("entered_by")
            .order_by("-month", "-entered_at")[:60]
        )
    return render(
        request,
        "projects/indicator_detail.html",
        {
            "indicator": indicator,
            "project": indicator.project,
            "unit": unit,
            "on": on,
            "figure": figures[(indicator.pk, unit.pk)],
            "children": [figures[(indicator.pk, c.pk)] for c in children],
            "series": series,
            "chart_json": json.dumps(chart, ensure_ascii=False),
            "split": split,
            "entries": entries,
            "lineage": lineage(unit, request.user),
            "can_split": split is not None
            and request.user.has_module_perm("projects", "edit")
            and user_scope(request.user).covers(unit.path, edit=True),
        },
    )


@scoped(Indicator, "change")
def split_edit(request, pk):
    """The split-target editor (PRJ-2): the unit's target, one field per child, the sum and the
    difference (live in the page, and checked again on saving)."""
    indicator = get_visible_or_404(
        Indicator.objects.select_related("project", "project__org"), request.user, pk=pk
    )
    require_edit(request.user)
    raw = request.GET.get("org", "")
    parent = get_visible_or_404(Org, request.user, pk=int(raw)) if raw.isdigit() else indicator.project.org
    if not user_scope(request.user).covers(parent.path, edit=True):
        raise PermissionDenied(_("只有“%(o)s”及其上级可以分解它的目标。") % {"o": parent.name})
    split = services.get_split(indicator, parent)
    errors = []
    posted = {}
    if request.method == "POST":
        posted = {
            part.org.pk: request.POST.get(f"part_{part.org.pk}", "").strip()
            for part in split.parts
            if f"part_{part.org.pk}" in request.POST
        }
        notes = {part.org.pk: request.POST.get(f"note_{part.org.pk}", "") for part in split.parts}
        try:
            split = services.save_split(
                request.user, indicator, parent, posted, issue=request.POST.get("issue") == "1", notes=notes
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            if split.balanced and not split.draft:
                messages.success(request, _("分解目标已下达。") + split.message)
            else:
                messages.warning(request, _("已保存为草稿。") + split.message)
            return redirect(f"{request.path}?org={parent.pk}")
    return render(
        request,
        "projects/split.html",
        {
            "indicator": indicator,
            "project": indicator.project,
            "parent": parent,
            "split": split,
            "errors": errors,
            "posted": posted,
            "whole": split.whole if split.whole is not None else Decimal(0),
        },
    )


@scoped(Project, "create")
def copy_year(request):
    """Next year's projects from this year's in one step (PRJ-2)."""
    require_edit(request.user)
    orgs = list(federations(Org.objects.editable_by(request.user))[:500])
    year = page_year(request)
    form = CopyForm(request.POST or None, orgs=orgs, initial={"from_year": year, "copy_targets": True})
    if request.method == "POST" and form.is_valid():
        try:
            copies = services.copy_projects(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(
                request,
                _("已复制 %(n)d 个项目到%(y)d年。")
                % {"n": len(copies), "y": form.cleaned_data["from_year"] + 1},
            )
            return redirect(f"{reverse('projects:overview')}?year={form.cleaned_data['from_year'] + 1}")
    return render(request, "projects/form.html", {"form": form, "title": _("复制到下一年度")})
