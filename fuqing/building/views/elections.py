"""Term elections and teams (BLD-3): the units of a subtree with their last election, the next one due
and what their team lacks (flagged for the parent unit); a unit's team and its history; recording an
election."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fuqing.building import services
from fuqing.building.coverage import FEDERATION_KINDS
from fuqing.building.forms import ElectionForm
from fuqing.building.models import Election, TeamMember, TeamRole
from fuqing.building.views.common import (
    as_of,
    can_edit,
    can_export,
    page_year,
    paginate,
    require_edit,
    require_view,
    selected_unit,
)
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit as may_change
from fuqing.core.scoping import get_visible_or_404, subtree_q
from fuqing.orgs.models import Org, OrgKind, User

FLAGS = {
    "flagged": _("有问题的"),
    "incomplete": _("班子不全"),
    "overdue": _("逾期未换届"),
    "none": _("无换届记录"),
    "all": _("全部"),
}


def units_with_teams(user, unit, on, flag: str, q: str = ""):
    """Units of the subtree annotated with their current election and team gaps (one query)."""
    current = Election.objects.filter(org=OuterRef("pk"), is_current=True)
    members = TeamMember.objects.filter(election__org=OuterRef("pk"), election__is_current=True)
    qs = (
        Org.objects.visible_to(user)
        .filter(subtree_q(unit.path), kind__in=FEDERATION_KINDS, is_active=True)
        .annotate(
            election_id=Subquery(current.values("pk")[:1]),
            held_on=Subquery(current.values("held_on")[:1]),
            next_due=Subquery(current.values("next_due")[:1]),
            has_chair=Exists(members.filter(role=TeamRole.CHAIR)),
            has_vice=Exists(members.filter(role=TeamRole.VICE_FULL)),
            chair=Subquery(members.filter(role=TeamRole.CHAIR).values("name")[:1]),
        )
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Exists(members.filter(name__icontains=q)))
    incomplete = Q(election_id__isnull=False) & (
        Q(has_chair=False) | (Q(has_vice=False) & ~Q(kind=OrgKind.COMMUNITY))
    )
    overdue = Q(next_due__lt=on)
    none = Q(election_id__isnull=True)
    if flag == "incomplete":
        qs = qs.filter(incomplete)
    elif flag == "overdue":
        qs = qs.filter(overdue)
    elif flag == "none":
        qs = qs.filter(none)
    elif flag != "all":
        qs = qs.filter(incomplete | overdue | none)
    return qs.order_by("path")


def decorate(org, on) -> None:
    org.gaps = []
    if org.election_id is None:
        org.gaps.append(str(_("无换届记录")))
        return
    if not org.has_chair:
        org.gaps.append(str(_("缺主席")))
    if not org.has_vice and org.kind != OrgKind.COMMUNITY:
        org.gaps.append(str(_("缺专职副主席")))
    if org.next_due < on:
        org.gaps.append(str(_("逾期未换届")))


@scoped(Election, "list")
def election_list(request):
    require_view(request.user)
    unit = selected_unit(request)
    on = as_of(page_year(request))
    q = request.GET.get("q", "").strip()[:50]
    flag = request.GET.get("flag", "all" if q else "flagged")
    if flag not in FLAGS:
        flag = "flagged"
    page, querystring, rows = None, "", []
    if unit is not None:
        page, querystring = paginate(request, units_with_teams(request.user, unit, on, flag, q))
        for org in page:
            decorate(org, on)
    return render(
        request,
        "building/election_list.html",
        {
            "unit": unit,
            "on": on,
            "page": page,
            "rows": rows,
            "querystring": querystring,
            "flag": flag,
            "q": q,
            "flags": FLAGS,
            "can_edit": can_edit(request.user),
            "can_export": can_export(request.user),
            "active": "elections",
        },
    )


@scoped(Org, "read")
def unit_team(request, pk):
    org = get_visible_or_404(Org, request.user, pk=pk)
    require_view(request.user)
    elections = list(
        Election.objects.visible_to(request.user)
        .filter(org=org)
        .select_related("recorded_by")
        .prefetch_related("members", "members__user")
        .order_by("-held_on")
    )
    current = next((e for e in elections if e.is_current), None)
    gaps = services.team_gaps(org, [m.role for m in current.members.all()]) if current else []
    on = as_of(page_year(request))
    return render(
        request,
        "building/unit_team.html",
        {
            "org": org,
            "current": current,
            "history": [e for e in elections if not e.is_current],
            "gaps": gaps,
            "overdue": current is not None and current.next_due < on,
            "term": services.term_years(org),
            "needs_vice": services.needs_full_time_vice(org),
            "can_edit": can_edit(request.user) and may_change(request.user, org),
            "active": "elections",
        },
    )


@scoped(Election, "create", lookup="org_id", kwarg="pk")
def election_add(request, pk):
    org = get_visible_or_404(Org, request.user, edit=True, pk=pk)
    require_edit(request.user)
    people = {u.display_name: u for u in User.objects.filter(org=org, is_active=True)}
    form = ElectionForm(request.POST or None, initial={"term_years": services.term_years(org)})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_election(
                request.user,
                org,
                held_on=form.cleaned_data["held_on"],
                term=form.cleaned_data["term_years"],
                members=form.member_rows(people),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已记录换届，新一届班子已替换上一届（上一届保留在历史中）。"))
            return redirect("building:unit-team", pk=org.pk)
    return render(
        request,
        "building/form.html",
        {
            "form": form,
            "title": _("记录换届：%(org)s") % {"org": org.name},
            "active": "elections",
            "hint": _("本单位人员：%(names)s。填写与账户姓名一致的人员会关联其账户。")
            % {"names": "、".join(sorted(people)) or "—"},
        },
    )
