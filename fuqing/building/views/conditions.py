"""Conditions of women's work per unit and year (BLD-6): where funding, a venue or full-time staff are
still missing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fuqing.building import services
from fuqing.building.forms import ConditionForm
from fuqing.building.models import WorkCondition
from fuqing.building.views.common import (
    can_edit,
    can_export,
    page_year,
    paginate,
    require_edit,
    require_view,
    selected_unit,
)
from fuqing.core.context_processors import list_year
from fuqing.core.routes import scoped
from fuqing.core.scoping import resolve_input, subtree_q
from fuqing.orgs.models import Org, OrgKind

GAP = Q(funding=0) | Q(venue="") | Q(full_time_staff=0)


def filtered_conditions(user, params, unit=None, year=None):
    qs = WorkCondition.objects.visible_to(user)
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "org__path"))
    if year:
        qs = qs.filter(year=year)
    if params.get("gaps") == "1":
        qs = qs.filter(GAP)
    q = (params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(org__name__icontains=q) | Q(venue__icontains=q) | Q(note__icontains=q))
    return qs


@scoped(WorkCondition, "list")
def condition_list(request):
    require_view(request.user)
    unit = selected_unit(request)
    searching = bool(request.GET.get("q", "").strip())
    year = list_year(request, searching=searching)
    qs = (
        filtered_conditions(request.user, request.GET, unit, year).select_related("org").order_by("org__path")
    )
    totals = qs.aggregate(
        funding=Sum("funding"), full_time=Sum("full_time_staff"), part_time=Sum("part_time_staff")
    )
    page, querystring = paginate(request, qs)
    missing = None
    if unit is not None:
        reported = WorkCondition.objects.filter(org=OuterRef("pk"), year=year or page_year(request))
        missing = (
            Org.objects.visible_to(request.user)
            .filter(subtree_q(unit.path), kind__in=(OrgKind.DISTRICT, OrgKind.TOWNSHIP), is_active=True)
            .annotate(reported=Exists(reported))
            .filter(reported=False)
            .count()
        )
    return render(
        request,
        "building/condition_list.html",
        {
            "page": page,
            "querystring": querystring,
            "unit": unit,
            "year": year or page_year(request),
            "totals": totals,
            "missing": missing,
            "gaps": request.GET.get("gaps") == "1",
            "q": request.GET.get("q", "")[:50],
            "with_gaps": qs.filter(GAP).count(),
            "can_edit": can_edit(request.user),
            "can_export": can_export(request.user),
            "active": "conditions",
        },
    )


@scoped(WorkCondition, "create")
def condition_edit(request):
    """The unit's conditions for a year: a new row, or the year's row replaced (one per unit and year)."""
    require_edit(request.user)
    year = page_year(request)
    org = resolve_input(Org, request.user, request.GET.get("org"), edit=True)
    initial = {"year": year, "org": org.pk if org else None}
    if org is not None:
        existing = WorkCondition.objects.filter(org=org, year=year).first()
        if existing:
            initial.update(
                {
                    f: getattr(existing, f)
                    for f in (
                        "funding",
                        "funding_in_budget",
                        "venue",
                        "venue_area",
                        "full_time_staff",
                        "part_time_staff",
                        "note",
                    )
                }
            )
    form = ConditionForm(
        request.POST or None,
        user=request.user,
        unit=selected_unit(request) if org is None else org.get_parent() or org,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target = data.pop("org")
        try:
            services.save_condition(request.user, target, **data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(
                request, _("已保存%(org)s %(y)d 年的工作条件。") % {"org": target.name, "y": data["year"]}
            )
            return redirect("building:conditions")
    return render(
        request, "building/form.html", {"form": form, "title": _("填报妇女工作条件"), "active": "conditions"}
    )
