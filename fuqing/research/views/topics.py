"""Key research topics and the list that flags what is amiss (RES-1)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core.context_processors import selected_year
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.orgs.models import Org, OrgKind
from fuqing.research.forms import CheckFilterForm, TopicFilterForm, TopicForm
from fuqing.research.models import Report, Topic
from fuqing.research.rules import parent_path
from fuqing.research.services import topics as services
from fuqing.research.views.common import querystring, report_errors, require_view


def _topic_units(user):
    """The units the user may set topics for: city departments and district federations she edits."""
    candidates = list(
        Org.objects.editable_by(user)
        .filter(is_active=True, kind__in=(OrgKind.DEPARTMENT, OrgKind.DISTRICT))
        .order_by("path")[:1000]
    )
    parents = {o.path: o for o in Org.objects.filter(path__in={parent_path(o) for o in candidates})}
    ids = [o.pk for o in candidates if services.unit_kind(o, parents.get(parent_path(o)))]
    return Org.objects.filter(pk__in=ids).order_by("path")


@scoped(Topic, "list")
def topic_list(request):
    require_view(request.user)
    form = TopicFilterForm(request.GET or None)
    year = selected_year(request)
    topics = Topic.objects.visible_to(request.user).select_related("org", "leader")
    q = ""
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        q = form.cleaned_data["q"].strip()
    topics = topics.filter(year=year)
    if q:
        topics = topics.filter(
            Q(title__icontains=q) | Q(org__name__icontains=q) | Q(leader__name__icontains=q)
        )
    page = Paginator(topics.order_by("org__path", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "research/topic_list.html",
        {
            "page": page,
            "form": form,
            "year": year,
            "q": q,
            "querystring": querystring(request),
            "can_add": request.user.has_module_perm("research", "edit")
            and _topic_units(request.user).exists(),
            "can_export": request.user.has_module_perm("research", "export"),
        },
    )


@scoped(Topic, "list")
def topic_check(request):
    """RES-1: every department and district with its topics, flagged when missing, extra or wrongly led."""
    require_view(request.user)
    form = CheckFilterForm(request.GET or None, flags=services.FLAGS)
    year, flag, q = selected_year(request), "", ""
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        flag, q = form.cleaned_data["flag"], form.cleaned_data["q"].strip()
    rows = services.compliance(request.user, year)
    counts = {code: sum(1 for r in rows if any(f[0] == code for f in r.flags)) for code in services.FLAGS}
    counts["ok"] = sum(1 for r in rows if r.ok)
    shown = services.filter_rows(rows, flag, q)
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "research/topic_check.html",
        {
            "page": page,
            "form": form,
            "year": year,
            "counts": counts,
            "flags": services.FLAGS,
            "units": len(rows),
            "querystring": querystring(request),
        },
    )


@scoped(Topic, "create")
def topic_add(request):
    if not request.user.has_module_perm("research", "edit"):
        raise PermissionDenied(_("您没有编辑调研课题的权限。"))
    units = _topic_units(request.user)
    chosen = request.POST.get("org") or request.GET.get("org") or ""
    unit = units.filter(pk=chosen).first() if chosen.isdigit() else None
    if unit is None and units.count() == 1:
        unit = units.first()
    leaders = services.eligible_leaders(unit) if unit else services.eligible_leaders(request.user.org).none()
    initial = {"year": selected_year(request), "org": unit.pk if unit else None}
    form = TopicForm(request.POST or None, orgs=units, leaders=leaders, initial=initial)
    warning = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            warning = services.extra_warning(data["org"], data["year"])
            topic = services.create_topic(
                request.user,
                org=data["org"],
                year=data["year"],
                title=data["title"],
                leader=data["leader"],
                description=data["description"],
                members=data["members"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已新增课题。"))
            if warning:
                messages.warning(request, warning)
            return redirect("research:topic-detail", pk=topic.pk)
    return render(
        request,
        "research/topic_form.html",
        {"form": form, "units": units, "unit": unit, "title": _("新增重点调研课题")},
    )


@scoped(Topic, "read")
def topic_detail(request, pk):
    topic = get_visible_or_404(
        Topic.objects.select_related("org", "leader", "leader__org"), request.user, pk=pk
    )
    require_view(request.user)
    parent = Org.objects.filter(path=parent_path(topic.org)).first()
    reports = Report.objects.visible_to(request.user).filter(topic=topic).select_related("org")[:50]
    return render(
        request,
        "research/topic_detail.html",
        {
            "topic": topic,
            "problem": services.leader_problem(topic.org, parent, topic.leader),
            "reports": reports,
            "can_edit": request.user.has_module_perm("research", "edit") and can_edit(request.user, topic),
        },
    )


@scoped(Topic, "change")
def topic_edit(request, pk):
    topic = get_visible_or_404(Topic.objects.select_related("org", "leader"), request.user, pk=pk)
    if not request.user.has_module_perm("research", "edit") or not can_edit(request.user, topic):
        raise PermissionDenied(_("您不能修改该课题。"))
    leaders = services.eligible_leaders(topic.org) | type(topic.leader).objects.filter(pk=topic.leader_id)
    initial = {
        "year": topic.year,
        "title": topic.title,
        "leader": topic.leader_id,
        "members": topic.members,
        "description": topic.description,
    }
    form = TopicForm(request.POST or None, leaders=leaders.distinct(), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_topic(
                request.user,
                topic,
                year=data["year"],
                title=data["title"],
                leader=data["leader"],
                description=data["description"],
                members=data["members"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("research:topic-detail", pk=topic.pk)
    return render(request, "research/topic_form.html", {"form": form, "topic": topic, "title": _("修改课题")})


@require_POST
@scoped(Topic, "delete")
def topic_delete(request, pk):
    topic = get_visible_or_404(Topic, request.user, pk=pk)
    try:
        services.delete_topic(request.user, topic)
    except ValidationError as exc:
        report_errors(request, exc)
        return redirect("research:topic-detail", pk=pk)
    messages.success(request, _("课题已删除。"))
    return redirect("research:topics")
