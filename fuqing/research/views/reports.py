"""Research reports: list, write, evidence, figures, workflow, Word (RES-2, RES-3)."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.assistance.models import Need
from fuqing.core import audit, figures
from fuqing.core.context_processors import selected_year
from fuqing.core.figures import FigureScope
from fuqing.core.models import AuditAction
from fuqing.core.routes import scoped, unscoped
from fuqing.core.scoping import can_edit, get_visible_or_404, subtree_q
from fuqing.fieldwork.models import Visit
from fuqing.orgs.models import Org, OrgKind
from fuqing.research import markup, rules
from fuqing.research.filters import ReportFilter, awaiting_review  # noqa: F401  (the panel's)
from fuqing.research.forms import ActionForm, ReportForm
from fuqing.research.models import SECTIONS, Entry, Report, Topic
from fuqing.research.services import books as book_services
from fuqing.research.services import reports as services
from fuqing.research.views.common import querystring, report_errors, require_view

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _orgs(user):
    return Org.objects.editable_by(user).filter(is_active=True).exclude(kind=OrgKind.WOMENS_GROUP)


def _topics(user):
    return Topic.objects.visible_to(user).select_related("org").order_by("-year", "org__path")


@scoped(Report, "list")
def report_list(request):
    require_view(request.user)
    flt = ReportFilter(request.GET, request.user)
    form = flt.form
    year = flt.year(selected_year(request))
    all_years = year is None  # the home panel's link: everything awaiting review, every year
    reports = flt.apply(Report.objects.visible_to(request.user), default_year=year)
    reports = reports.select_related("org").order_by("org__path", "-updated_at")
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "research/report_list.html",
        {
            "page": page,
            "form": form,
            "year": year,
            "querystring": querystring(request),
            "can_add": request.user.has_module_perm("research", "edit"),
            "can_export": request.user.has_module_perm("research", "export"),
            "all_years": all_years,
        },
    )


def _form_values(data: dict) -> dict:
    values = {k: data[k] for k in ("title", "authors", *(s[0] for s in SECTIONS))}
    return {"year": data["year"], "topic": data["topic"], **values}


@scoped(Report, "create")
def report_add(request):
    if not request.user.has_module_perm("research", "edit"):
        raise PermissionDenied(_("您没有编辑调研报告的权限。"))
    initial = {"org": request.user.org_id, "year": selected_year(request)}
    form = ReportForm(
        request.POST or None, orgs=_orgs(request.user), topics=_topics(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.create_report(
                request.user, org=form.cleaned_data["org"], **_form_values(form.cleaned_data)
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("报告已保存为草稿。可继续关联佐证材料，完成后报送。"))
            return redirect("research:report-detail", pk=report.pk)
    return render(request, "research/report_form.html", {"form": form, "title": _("撰写调研报告")})


@scoped(Report, "read")
def report_detail(request, pk):
    report = get_visible_or_404(Report.objects.select_related("org", "topic"), request.user, pk=pk)
    require_view(request.user)
    scope = services.figure_scope(report, request.user)
    sections = [(label, markup.to_html(text, scope)) for _f, label, text in report.sections()]
    user = request.user
    visits = report.visits.select_related("org").order_by("-started_on")[:50]
    needs = report.needs.select_related("org").order_by("-reported_on")[:50]
    entries = Entry.objects.visible_to(user).filter(report=report, competition__closed_at__isnull=False)
    return render(
        request,
        "research/report_detail.html",
        {
            "report": report,
            "headings": [h for _f, _l, h in SECTIONS],
            "sections": sections,
            "figures_note": book_services.figures_note(report, scope),
            "events": report.events.all(),
            "actions": [(a, services.ACTION_LABELS[a]) for a in services.allowed_actions(user, report)],
            "can_edit": report.is_draft
            and user.has_module_perm("research", "edit")
            and can_edit(user, report),
            "can_comment": rules.is_unit_cadre(user, report.org) or rules.can_review(user, report),
            "visits": visits if user.has_module_perm("fieldwork", "view") else None,
            "needs": needs if user.has_module_perm("assistance", "view") else None,
            "visit_count": report.visits.count(),
            "need_count": report.needs.count(),
            "entries": entries.select_related("competition"),
            "action_form": ActionForm(),
        },
    )


@scoped(Report, "change")
def report_edit(request, pk):
    report = get_visible_or_404(Report.objects.select_related("org", "topic"), request.user, pk=pk)
    if not request.user.has_module_perm("research", "edit") or not can_edit(request.user, report):
        raise PermissionDenied(_("您不能修改该报告。"))
    if not report.is_draft:
        messages.error(request, _("报告已报送，不能直接修改；须由审核人退回（或本单位在审核前撤回）后再改。"))
        return redirect("research:report-detail", pk=pk)
    initial = {
        "year": report.year,
        "title": report.title,
        "authors": report.authors,
        "topic": report.topic_id,
        **{f: getattr(report, f) for f, _l, _h in SECTIONS},
    }
    form = ReportForm(request.POST or None, topics=_topics(request.user), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_report(request.user, report, **_form_values(form.cleaned_data))
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("research:report-detail", pk=pk)
    return render(
        request, "research/report_form.html", {"form": form, "report": report, "title": _("修改调研报告")}
    )


def _candidates(request, report, model, date_field: str, prefix: str):
    """Visits or needs of the report's unit and year the user may see, a page at a time."""
    qs = (
        model.objects.visible_to(request.user)
        .filter(subtree_q(report.org.path, "org__path"))
        .filter(**FigureScope.of_year(report.org, report.year).period(date_field))
        .select_related("org")
        .order_by(f"-{date_field}")
    )
    if model._meta.model_name == "need":
        qs = qs.select_related("woman")
        if q := request.GET.get(f"{prefix}q", "").strip()[:50]:
            qs = qs.filter(description__icontains=q)
    return Paginator(qs, 20).get_page(request.GET.get(f"{prefix}page"))


@scoped(Report, "change")
def report_evidence(request, pk):
    """Pick the visits and needs the report rests on (RES-2), from lists of the unit's own records."""

    report = get_visible_or_404(Report.objects.select_related("org"), request.user, pk=pk)
    if not request.user.has_module_perm("research", "edit") or not can_edit(request.user, report):
        raise PermissionDenied(_("您不能修改该报告。"))
    if request.method == "POST":
        kind, op, item = request.POST.get("kind"), request.POST.get("op"), request.POST.get("id", "")
        if kind in ("visits", "needs") and op in ("add", "remove") and item:
            current = {str(v) for v in getattr(report, kind).values_list("pk", flat=True)}
            wanted = current | {item} if op == "add" else current - {item}
            try:
                services.set_evidence(request.user, report, **{kind: wanted})
                messages.success(request, _("佐证材料已更新。"))
            except ValidationError as exc:
                report_errors(request, exc)
        else:
            messages.error(request, _("请选择要关联或取消的记录。"))
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    can_visits = request.user.has_module_perm("fieldwork", "view")
    can_needs = request.user.has_module_perm("assistance", "view")
    return render(
        request,
        "research/report_evidence.html",
        {
            "report": report,
            "visits": _candidates(request, report, Visit, "started_on", "v") if can_visits else None,
            "needs": _candidates(request, report, Need, "reported_on", "n") if can_needs else None,
            "linked_visits": {str(v) for v in report.visits.values_list("pk", flat=True)},
            "linked_needs": {str(v) for v in report.needs.values_list("pk", flat=True)},
            "editable": report.is_draft,
            "query": request.GET.urlencode(),
        },
    )


@require_POST
@scoped(Report, "change")
def report_action(request, pk):
    """A workflow step (submit, withdraw, return, review, recommend) or a comment (RES-3)."""
    report = get_visible_or_404(Report.objects.select_related("org"), request.user, pk=pk)
    form = ActionForm(request.POST)
    form.is_valid()
    action = form.cleaned_data.get("action", "")
    comment = form.cleaned_data.get("comment", "")
    if not action:
        messages.error(request, _("请选择要进行的操作。"))
        return redirect("research:report-detail", pk=pk)
    try:
        if action == "comment":
            services.add_comment(request.user, report, comment)
            messages.success(request, _("意见已记录。"))
        else:
            services.transition(request.user, report, action, comment)
            messages.success(request, _("已%(a)s。") % {"a": services.ACTION_LABELS.get(action, action)})
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect("research:report-detail", pk=pk)


@scoped(Report, "read")
def report_word(request, pk):
    """The report alone as a Word document after GB/T 9704, with its figures as submitted (a draft's: now)."""
    report = get_visible_or_404(Report.objects.select_related("org"), request.user, pk=pk)
    require_view(request.user)
    if not request.user.has_module_perm("research", "export"):
        raise PermissionDenied(_("您没有导出调研报告的权限。"))
    buffer = io.BytesIO()
    book_services.report_document(report, request.user).save(buffer)
    audit.record(AuditAction.EXPORT, actor=request.user, obj=report, details={"format": "docx"})
    response = HttpResponse(buffer.getvalue(), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(report.title)}.docx"
    return response


def _quote(text: str) -> str:
    return quote(text[:80])


@require_POST
@scoped(Report, "delete")
def report_delete(request, pk):
    report = get_visible_or_404(Report, request.user, pk=pk)
    try:
        services.delete_report(request.user, report)
    except ValidationError as exc:
        report_errors(request, exc)
        return redirect("research:report-detail", pk=pk)
    messages.success(request, _("草稿已删除。"))
    return redirect("research:reports")


@unscoped("the figures of the caller's own unit, computed through the scope door")
def figure_help(request):
    """The figures a report can insert, with their values for the user's own unit this year."""
    require_view(request.user)
    year = selected_year(request)
    scope = FigureScope.of_year(request.user.org, year, request.user) if request.user.org_id else None
    rows = []
    for provider in figures.providers():
        figure = figures.compute(provider.key, scope) if scope else None
        rows.append({"provider": provider, "figure": figure})
    return render(request, "research/figure_help.html", {"rows": rows, "year": year})
