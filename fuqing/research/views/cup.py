"""The Qiushi Cup pages (RES-4): the organiser's page, and the judge's blind pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core import audit
from fuqing.core.context_processors import list_year, selected_year
from fuqing.core.models import AuditAction, AuditResult
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.research import markup
from fuqing.research.forms import CompetitionForm
from fuqing.research.models import Competition, Entry
from fuqing.research.rules import judge_conflict
from fuqing.research.services import books as book_services
from fuqing.research.services import cup as services
from fuqing.research.services import reports as report_services
from fuqing.research.views.common import report_errors, require_view


@scoped(Competition, "list")
def cup_list(request):
    require_view(request.user)
    competitions = Competition.objects.visible_to(request.user).select_related("org")
    if q := request.GET.get("q", "").strip()[:50]:
        competitions = competitions.filter(Q(name__icontains=q) | Q(org__name__icontains=q))
    if year := list_year(request, searching=bool(q)):
        competitions = competitions.filter(year=year)
    judging = (
        Competition.objects.visible_to(request.user).filter(judges__user=request.user).select_related("org")
    )
    return render(
        request,
        "research/cup_list.html",
        {
            "competitions": competitions[:100],
            "judging": judging,
            "can_add": request.user.has_module_perm("research", "edit"),
            "q": q,
            "year": year,
        },
    )


@scoped(Competition, "create")
def cup_add(request):
    if not request.user.has_module_perm("research", "edit"):
        raise PermissionDenied(_("您没有组织评选的权限。"))
    form = CompetitionForm(request.POST or None, initial={"year": selected_year(request)})
    if request.method == "POST" and form.is_valid():
        try:
            competition = services.create_competition(request.user, org=request.user.org, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("评选已创建，已按常用标准设置评分项，可修改。"))
            return redirect("research:cup-detail", pk=competition.pk)
    return render(request, "research/cup_form.html", {"form": form, "title": _("新建“求实杯”评选")})


@scoped(Competition, "read")
def cup_detail(request, pk):
    competition = get_visible_or_404(Competition.objects.select_related("org"), request.user, pk=pk)
    require_view(request.user)
    manage = services.can_manage(request.user, competition)
    is_judge = services.judge_of(request.user, competition) is not None
    rows = services.ranking(competition) if manage or competition.is_closed else None
    context = {
        "competition": competition,
        "manage": manage,
        # blind until published: a judge who also organises sees the progress, not the totals
        "show_totals": competition.is_closed or not is_judge,
        "criteria": competition.criteria.all(),
        "weights": sum(c.weight for c in competition.criteria.all()),
        "rows": rows,
        "missing": services.missing_sheets(rows) if rows else 0,
        "is_judge": is_judge,
    }
    if manage:
        judges = list(competition.judges.select_related("user__org"))
        context.update(
            judges=judges,
            candidates_judges=services.eligible_judges(competition).exclude(
                pk__in=[j.user_id for j in judges]
            )[:500],
            candidate_count=services.candidate_reports(request.user, competition).count(),
        )
    return render(request, "research/cup_detail.html", context)


def _managed(request, pk) -> Competition:
    competition = get_visible_or_404(Competition.objects.select_related("org"), request.user, pk=pk)
    services.require_manage(request.user, competition)
    return competition


@scoped(Competition, "change")
def cup_edit(request, pk):
    competition = _managed(request, pk)
    initial = {
        f: getattr(competition, f)
        for f in ("name", "first_prizes", "second_prizes", "third_prizes", "excellence_prizes")
    }
    form = CompetitionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_competition(request.user, competition, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("research:cup-detail", pk=pk)
    return render(
        request,
        "research/cup_form.html",
        {"form": form, "competition": competition, "title": _("修改评选设置")},
    )


@require_POST
@scoped(Competition, "change")
def cup_criteria(request, pk):
    competition = _managed(request, pk)
    names, weights = request.POST.getlist("name"), request.POST.getlist("weight")
    try:
        services.set_criteria(request.user, competition, list(zip(names, weights, strict=False)))
        messages.success(request, _("评分项已保存。"))
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect("research:cup-detail", pk=pk)


@require_POST
@scoped(Competition, "change")
def cup_judges(request, pk):
    competition = _managed(request, pk)
    try:
        if remove := request.POST.get("remove", ""):
            judge = competition.judges.filter(pk=remove if remove.isdigit() else 0).first()
            if judge is None:
                raise ValidationError(_("找不到该评委。"))
            services.remove_judge(request.user, judge)
            messages.success(request, _("已移除评委。"))
        elif add := request.POST.get("user", ""):
            user = services.eligible_judges(competition).filter(pk=add if add.isdigit() else 0).first()
            if user is None:
                raise ValidationError(_("该人员不能担任评委：评委须能查看全部参评报告，且不能是管理员账号。"))
            services.add_judge(request.user, competition, user)
            messages.success(request, _("已增加评委%(n)s。") % {"n": user.display_name})
        else:
            messages.error(request, _("请选择评委。"))
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect("research:cup-detail", pk=pk)


@scoped(Competition, "change")
def cup_entries(request, pk):
    """Enter submitted reports of the year (picked from a list)."""
    competition = _managed(request, pk)
    if request.method == "POST":
        try:
            added = services.add_entries(request.user, competition, request.POST.getlist("report"))
            messages.success(request, _("已增加 %(n)d 篇参评报告。") % {"n": len(added)})
            return redirect("research:cup-detail", pk=pk)
        except (ValidationError, ValueError) as exc:
            report_errors(
                request, exc if isinstance(exc, ValidationError) else ValidationError(_("请选择报告。"))
            )
    candidates = services.candidate_reports(request.user, competition)
    if q := request.GET.get("q", "").strip()[:50]:
        candidates = candidates.filter(Q(title__icontains=q) | Q(org__name__icontains=q))
    return render(
        request,
        "research/cup_entries.html",
        {"competition": competition, "candidates": candidates[:500], "q": q},
    )


@require_POST
@scoped(Entry, "delete")
def entry_remove(request, pk):
    entry = get_visible_or_404(Entry.objects.select_related("competition"), request.user, pk=pk)
    services.require_manage(request.user, entry.competition)
    try:
        services.remove_entry(request.user, entry)
        messages.success(request, _("已移出参评报告。"))
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect("research:cup-detail", pk=entry.competition_id)


@require_POST
@scoped(Competition, "change")
def cup_publish(request, pk):
    competition = _managed(request, pk)
    try:
        if request.POST.get("undo"):
            services.unpublish(request.user, competition)
            messages.success(request, _("已撤销公布，可继续评分。"))
        else:
            services.publish(request.user, competition)
            messages.success(request, _("评选结果已公布。"))
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect("research:cup-detail", pk=pk)


# --- the judge's pages (blind) --------------------------------------------------------------------


def _not_a_judge(request, competition: Competition, obj):
    audit.record(
        AuditAction.DENIED, actor=request.user, obj=obj, result=AuditResult.DENIED, details={"judge": False}
    )
    messages.error(request, _("您不是本次评选的评委。"))
    return redirect("research:cup-detail", pk=competition.pk)


@scoped(Competition, "read")
def cup_judging(request, pk):
    """The judge's list: entries by code and title only; her own scores, never another judge's."""
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    judge = services.judge_of(request.user, competition)
    if judge is None:
        return _not_a_judge(request, competition, competition)
    entries = services.entries_for_judge(judge)
    sheets = {s.entry_id: s for s in judge.sheets.prefetch_related("scores__criterion")}
    rows = [{"entry": e, "sheet": sheets.get(e.pk)} for e in entries]
    for row in rows:
        row["total"] = services.sheet_total(row["sheet"]) if row["sheet"] else None
    return render(
        request,
        "research/cup_judging.html",
        {"competition": competition, "rows": rows, "done": sum(1 for r in rows if r["sheet"])},
    )


@scoped(Entry, "read")
def entry_score(request, pk):
    """Score one entry, blind: the report's text without its unit, author or evidence (RES-4)."""
    entry = get_visible_or_404(
        Entry.objects.select_related("competition", "report", "report__org"), request.user, pk=pk
    )
    competition = entry.competition
    judge = services.judge_of(request.user, competition)
    if judge is None:
        return _not_a_judge(request, competition, entry)
    if judge_conflict(request.user.org, entry.report.org):
        audit.record(
            AuditAction.DENIED,
            actor=request.user,
            obj=entry,
            result=AuditResult.DENIED,
            details={"conflict": True},
        )
        messages.error(request, _("这是本单位的报告，评委须回避，不能评分。"))
        return redirect("research:cup-judging", pk=competition.pk)
    criteria = list(competition.criteria.all())
    sheet = services.sheet_for(judge, entry)
    values = {f"c{s.criterion_id}": s.value for s in sheet.scores.all()} if sheet else {}
    comment = sheet.comment if sheet else ""
    errors = {}
    if request.method == "POST":
        values = {f"c{c.pk}": request.POST.get(f"c{c.pk}", "") for c in criteria}
        comment = request.POST.get("comment", "")
        try:
            services.score(request.user, entry, {c.pk: values[f"c{c.pk}"] for c in criteria}, comment)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            messages.success(request, _("评分已保存（参评编号 %(c)s）。") % {"c": entry.code})
            return redirect("research:cup-judging", pk=competition.pk)
    report = entry.report
    scope = report_services.figure_scope(report, request.user)
    return render(
        request,
        "research/entry_score.html",
        {
            "competition": competition,
            "entry": entry,
            "title": report.title,
            "sections": [(label, markup.to_html(text, scope)) for _f, label, text in report.sections()],
            "figures_note": book_services.figures_note(report, scope),
            "criteria": [
                {
                    "c": c,
                    "name": f"c{c.pk}",
                    "value": values.get(f"c{c.pk}", ""),
                    "errors": errors.get(f"c{c.pk}", []),
                }
                for c in criteria
            ],
            "comment": comment,
            "errors": errors.get("__all__", []),
            "judging_url": reverse("research:cup-judging", args=[competition.pk]),
        },
    )
