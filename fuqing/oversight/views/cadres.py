"""Leaders lead (SUP-4): each leader's year measured, the unflagged and the flagged, and the commendation
list decided by people."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fuqing.core.context_processors import selected_year
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.orgs.models import Org, User
from fuqing.oversight.forms import CadreFilterForm, RecommendForm
from fuqing.oversight.models import Recommendation
from fuqing.oversight.services import cadres as services
from fuqing.oversight.views.common import querystring, require_view


@scoped(User, "page")
def cadre_list(request):
    require_view(request.user)
    form = CadreFilterForm(
        request.GET or None, orgs=Org.objects.visible_to(request.user).filter(is_active=True)
    )
    year, area, flag = selected_year(request), request.user.org, ""
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        area = form.cleaned_data["org"] or area
        flag = form.cleaned_data["flag"]
    rows = services.leaders_queryset(request.user, area, year)
    if flag == "no_contact_point":
        rows = rows.filter(has_contact_point=False)
    elif flag == "no_pair":
        rows = rows.filter(pairs=0)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    decided = {
        r.person_id: r
        for r in Recommendation.objects.visible_to(request.user).filter(
            year=year, person_id__in=[p.pk for p in page]
        )
    }
    for person in page:
        person.flags = [services.FLAGS[f] for f in services.flags_of(person)]
        person.decision = decided.get(person.pk)
    departments = list(services.departments_queryset(request.user, area, year)[:200])
    return render(
        request,
        "oversight/cadre_list.html",
        {
            "form": form,
            "page": page,
            "year": year,
            "area": area,
            "departments": [d for d in departments if not d.has_contact_point or not d.has_pair],
            "departments_total": len(departments),
            "querystring": querystring(request),
            "can_recommend": request.user.has_module_perm("oversight", "edit"),
        },
    )


@scoped(User, "change")
def recommend(request, pk):
    person = get_visible_or_404(User.objects.select_related("org"), request.user, pk=pk)
    if not request.user.has_module_perm("oversight", "edit") or not can_edit(request.user, person):
        raise PermissionDenied(_("您没有推荐该干部的权限。"))
    year = selected_year(request)
    current = Recommendation.objects.filter(person=person, year=year).first()
    initial = {"year": year, "recommended": "1" if current is None or current.recommended else "0"}
    if current:
        initial["reason"] = current.reason
    form = RecommendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recommend(
                request.user, person, data["year"], recommended=data["recommended"], reason=data["reason"]
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已记录评先树优意见。"))
            return redirect(f"{_url('oversight:recommendations')}?year={data['year']}")
    record = services.leaders_queryset(request.user, person.org, year).filter(pk=person.pk).first()
    return render(
        request, "oversight/recommend_form.html", {"form": form, "person": person, "record": record}
    )


def _url(name):
    from django.urls import reverse

    return reverse(name)


@scoped(Recommendation, "list")
def recommendation_list(request):
    require_view(request.user)
    year = selected_year(request)
    form = CadreFilterForm(
        request.GET or None, orgs=Org.objects.visible_to(request.user).filter(is_active=True)
    )
    if form.is_valid():
        year = form.cleaned_data["year"] or year
    rows = (
        Recommendation.objects.visible_to(request.user)
        .filter(year=year)
        .select_related("person", "org", "decided_by")
        .order_by("-recommended", "org__path", "person__name")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/recommendation_list.html",
        {"page": page, "year": year, "form": form, "querystring": querystring(request)},
    )
