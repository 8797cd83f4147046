"""爱心暖夕阳 pages (PRJ-5): volunteers and their accounts, households, pairs, and the volunteer's own
households — where a volunteer sees her pairs and nothing else."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core.context_processors import list_year
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404, subtree_q
from fuqing.orgs.models import Org
from fuqing.projects import services
from fuqing.projects.access import is_volunteer_only, require_edit, require_view
from fuqing.projects.filters import HouseholdFilter, VolunteerFilter
from fuqing.projects.forms import EndPairForm, HouseholdForm, PairForm, VolunteerForm, federations
from fuqing.projects.models import Household, Project, Source, Volunteer, VolunteerPair
from fuqing.projects.views.common import page_year, report_errors


def _page(request, qs, per_page=50):
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(qs, per_page).get_page(request.GET.get("page")), params.urlencode()


# --- volunteers -----------------------------------------------------------------------------------


@scoped(Volunteer, "list")
def volunteer_list(request):
    require_view(request.user)
    qs = (
        Volunteer.objects.visible_to(request.user)
        .select_related("org", "user")
        .annotate(pair_count=Count("pairs", filter=Q(pairs__ended_on__isnull=True)))
    )
    flt = VolunteerFilter(request.GET, request.user)  # the ledger's and the API's filters (issue 11)
    page, querystring = _page(request, flt.apply(qs).order_by("org__path", "name"))
    return render(
        request,
        "projects/volunteer_list.html",
        {
            "page": page,
            "q": flt.data.get("q") or "",
            "flt": flt,
            "export_query": querystring,
            "querystring": querystring,
            "can_edit": request.user.has_module_perm("projects", "edit"),
        },
    )


@scoped(Volunteer, "create")
def volunteer_add(request):
    require_edit(request.user)
    orgs = list(federations(Org.objects.editable_by(request.user))[:500])
    form = VolunteerForm(request.POST or None, orgs=orgs, initial={"org": request.user.org_id})
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.register_volunteer(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已登记志愿者“%(n)s”。") % {"n": volunteer.name})
            return redirect("projects:volunteer", pk=volunteer.pk)
    return render(request, "projects/form.html", {"form": form, "title": _("登记巾帼志愿者")})


@scoped(Volunteer, "read")
def volunteer_detail(request, pk):
    volunteer = get_visible_or_404(Volunteer.objects.select_related("org", "user"), request.user, pk=pk)
    require_view(request.user)
    pairs = (
        VolunteerPair.objects.visible_to(request.user)
        .filter(volunteer=volunteer)
        .select_related("household", "household__org", "project")
    )
    return render(
        request,
        "projects/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "pairs": pairs,
            "area": services.area_of(volunteer.org),
            "can_edit": request.user.has_module_perm("projects", "edit")
            and can_edit(request.user, volunteer),
        },
    )


@require_POST
@scoped(Volunteer, "change")
def volunteer_request_account(request, pk):
    volunteer = get_visible_or_404(Volunteer, request.user, pk=pk)
    require_edit(request.user)
    try:
        services.request_account(request.user, volunteer)
        messages.success(request, _("已申请账户，系统管理员开通后会把初始密码交给您转告志愿者。"))
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect("projects:volunteer", pk=volunteer.pk)


def _require_account_admin(user) -> None:
    if not (user.has_admin_ability("manage_users") or user.has_admin_ability("grant_roles")):
        raise PermissionDenied(_("只有系统管理员或安全管理员可以管理志愿者账户。"))


@scoped(Volunteer, "list")
def volunteer_accounts(request):
    """The administrators' page: issue accounts (system) and grant the volunteer role (security)."""
    _require_account_admin(request.user)
    qs = Volunteer.objects.visible_to(request.user).filter(is_active=True).select_related("org", "user")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(org__name__icontains=q))
    qs = qs.prefetch_related("user__roles").order_by("-account_requested", "user_id", "org__path", "name")
    page, querystring = _page(request, qs)
    return render(
        request,
        "projects/volunteer_accounts.html",
        {
            "page": page,
            "q": q,
            "export_query": urlencode({"q": q}) if q else "",
            "querystring": querystring,
            "can_issue": request.user.has_admin_ability("manage_users"),
            "can_grant": request.user.has_admin_ability("grant_roles"),
            "issued": request.session.pop("fq_volunteer_issued", None),
        },
    )


@require_POST
@scoped(Volunteer, "change")
def volunteer_issue(request, pk):
    volunteer = get_visible_or_404(Volunteer.objects.select_related("org"), request.user, edit=False, pk=pk)
    _require_account_admin(request.user)
    try:
        user, password = services.issue_account(request.user, volunteer)
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        # Shown once on the next page (never in a URL or a log, SEC-8), then gone from the session.
        request.session["fq_volunteer_issued"] = {
            "name": volunteer.name,
            "username": user.username,
            "password": password,
        }
        messages.success(request, _("已开通账户。请安全管理员授予志愿者角色。"))
    return redirect("projects:volunteer-accounts")


@require_POST
@scoped(Volunteer, "change")
def volunteer_grant(request, pk):
    volunteer = get_visible_or_404(Volunteer.objects.select_related("user"), request.user, pk=pk)
    _require_account_admin(request.user)
    try:
        services.grant_volunteer_role(request.user, volunteer)
        messages.success(request, _("已授予“%(n)s”巾帼志愿者角色。") % {"n": volunteer.name})
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect("projects:volunteer-accounts")


# --- households -----------------------------------------------------------------------------------


@scoped(Household, "list")
def household_list(request):
    require_view(request.user)
    qs = (
        Household.objects.visible_to(request.user)
        .select_related("org")
        .prefetch_related("elders")
        .annotate(pair_count=Count("pairs", filter=Q(pairs__ended_on__isnull=True)))
    )
    flt = HouseholdFilter(request.GET, request.user)  # the ledger's and the API's filters (issue 11)
    page, querystring = _page(request, flt.apply(qs).order_by("org__path", "address"))
    return render(
        request,
        "projects/household_list.html",
        {
            "page": page,
            "q": flt.data.get("q") or "",
            "flt": flt,
            "export_query": querystring,
            "querystring": querystring,
            "unpaired": bool(flt.data.get("unpaired")),
            "can_edit": request.user.has_module_perm("projects", "edit"),
        },
    )


@scoped(Household, "create")
def household_add(request):
    require_edit(request.user)
    orgs = list(federations(Org.objects.editable_by(request.user))[:500])
    form = HouseholdForm(request.POST or None, orgs=orgs, initial={"org": request.user.org_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = services.add_household(
                request.user,
                org=data["org"],
                address=data["address"],
                phone=data["phone"],
                notes=data["notes"],
                elders=form.elders(),
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已登记空巢老人家庭。"))
            return redirect("projects:household", pk=household.pk)
    return render(request, "projects/form.html", {"form": form, "title": _("登记空巢老人家庭")})


@scoped(Household, "read")
def household_detail(request, pk):
    """A household's page. A volunteer sees it only if she is paired with it: her scope holds only
    those households and her own pairs (404 otherwise)."""
    household = get_visible_or_404(Household.objects.select_related("org"), request.user, pk=pk)
    require(request.user, "projects", "view")
    volunteer_view = is_volunteer_only(request.user)  # which breadcrumb and links, not what she sees
    pairs = VolunteerPair.objects.visible_to(request.user).filter(household=household)
    return render(
        request,
        "projects/household_detail.html",
        {
            "household": household,
            "elders": household.elders.all(),
            "pairs": pairs.select_related("volunteer", "volunteer__org", "project"),
            "volunteer_view": volunteer_view,
        },
    )


# --- pairs ----------------------------------------------------------------------------------------


def _pair_projects(user, year):
    return list(
        Project.objects.visible_to(user)
        .filter(year=year, indicators__source=Source.VOLUNTEER_PAIRS)
        .distinct()
        .order_by("sort")
    )


@scoped(VolunteerPair, "list")
def pair_list(request):
    require_view(request.user)
    qs = VolunteerPair.objects.visible_to(request.user).select_related(
        "volunteer", "household", "org", "project"
    )
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(
            Q(notes__icontains=q)
            | Q(volunteer__name__icontains=q)
            | Q(household__address__icontains=q)
            | Q(org__name__icontains=q)
        )
    year = list_year(request, searching=bool(q))
    if year:
        qs = qs.filter(year=year)
    totals = qs.aggregate(
        pairs=Count("id"),
        volunteers=Count("volunteer_id", distinct=True),
        households=Count("household_id", distinct=True),
    )
    page, querystring = _page(request, qs.order_by("-started_on", "-id"))
    return render(
        request,
        "projects/pair_list.html",
        {
            "page": page,
            "q": q,
            "export_query": urlencode({"q": q}) if q else "",
            "year": year,
            "totals": totals,
            "querystring": querystring,
            "can_edit": request.user.has_module_perm("projects", "edit"),
        },
    )


@scoped(VolunteerPair, "create")
def pair_add(request):
    """Pair a volunteer with a household of her area; for a chosen volunteer, unpaired households of
    her area come first (nearest: her own community)."""
    require_edit(request.user)
    year = page_year(request)
    projects = _pair_projects(request.user, year)
    volunteers = list(
        Volunteer.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("org")
        .order_by("org__path", "name")[:1000]
    )
    chosen = next(
        (
            v
            for v in volunteers
            if str(v.pk) == (request.POST.get("volunteer") or request.GET.get("volunteer"))
        ),
        None,
    )
    households = Household.objects.editable_by(request.user).select_related("org")
    if chosen is not None:
        area = services.area_of(chosen.org)
        households = households.filter(subtree_q(area.path, "org__path"))
    households = list(
        households.annotate(pair_count=Count("pairs")).order_by("pair_count", "org__path", "address")[:1000]
    )
    if chosen is not None:
        households.sort(key=lambda h: (h.pair_count > 0, h.org_id != chosen.org_id))
    form = PairForm(
        request.POST or None,
        projects=projects,
        volunteers=volunteers,
        households=households,
        initial={"volunteer": str(chosen.pk) if chosen else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.pair(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(
                request,
                _("已结对：%(v)s — %(h)s。") % {"v": created.volunteer.name, "h": created.household.address},
            )
            return redirect("projects:pairs")
    return render(
        request,
        "projects/pair_form.html",
        {"form": form, "chosen": chosen, "volunteers": volunteers, "projects": projects},
    )


@scoped(VolunteerPair, "change")
def pair_end(request, pk):
    pair = get_visible_or_404(
        VolunteerPair.objects.select_related("volunteer", "household"), request.user, pk=pk
    )
    require_edit(request.user)
    form = EndPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_pair(request.user, pair, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("结对已结束。"))
            return redirect("projects:pairs")
    return render(request, "projects/form.html", {"form": form, "title": _("结束结对：%(p)s") % {"p": pair}})


@scoped(VolunteerPair, "list")
def my_households(request):
    """The volunteer's own page: the households she is paired with, and nothing else (PRJ-5)."""
    require(request.user, "projects", "view")
    pairs = (
        VolunteerPair.objects.visible_to(request.user)
        .of_volunteer_user(request.user)
        .select_related("household", "household__org", "project")
        .prefetch_related("household__elders")
        .order_by("ended_on", "-started_on")
    )
    q = request.GET.get("q", "").strip()[:50]
    if q:
        pairs = pairs.filter(Q(household__address__icontains=q) | Q(notes__icontains=q))
    return render(request, "projects/my_households.html", {"pairs": pairs, "q": q})
