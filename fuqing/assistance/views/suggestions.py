"""Suggestions and what each has achieved (NEED-6); their documents through a scoped view."""

from __future__ import annotations

import os
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.assistance import suggestions as services
from fuqing.assistance.filters import SuggestionFilter
from fuqing.assistance.forms import OutcomeForm, SuggestionForm
from fuqing.assistance.models import Need, Suggestion, SuggestionOutcome, SuggestionStage
from fuqing.assistance.services import require_edit
from fuqing.assistance.views.common import can_edit_module, paginate, require_view
from fuqing.core import uploads
from fuqing.core.context_processors import list_year
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404

OUTCOMES = Prefetch("outcomes", queryset=SuggestionOutcome.objects.order_by("stage"))


@scoped(Suggestion, "list")
def suggestion_list(request):
    """Every suggestion with the steps it reached and when: what conversion has achieved."""
    require_view(request.user)
    flt = SuggestionFilter(request.GET, request.user)
    q = (flt.data.get("q") or "").strip()
    year = list_year(request, searching=bool(q))  # the top bar's; a search looks through every year
    qs = flt.apply(Suggestion.objects.visible_to(request.user), default_year=year)
    stages = dict(qs.values_list("stage").annotate(n=Count("id")).order_by())
    qs = (
        qs.select_related("org")
        .prefetch_related(OUTCOMES)
        .annotate(need_count=Count("needs", distinct=True))
        .order_by("-year", "-created_at")
    )
    page, querystring = paginate(request, qs, per_page=30)
    for suggestion in page:
        suggestion.steps = services.achievements(suggestion)
    summary = [
        {"label": label, "count": sum(n for s, n in stages.items() if s >= stage)}
        for stage, label in SuggestionStage.choices
        if stage != SuggestionStage.DRAFT
    ]
    return render(
        request,
        "assistance/suggestion_list.html",
        {
            "page": page,
            "form": flt.form,
            "flt": flt,
            "problems": flt.problems,
            "org": flt.objects.get("org"),
            "q": q,
            "year": year,
            "summary": summary,
            "querystring": querystring,
            "export_query": _export_query(request, year),
            "can_edit": can_edit_module(request.user),
        },
    )


def _export_query(request, year) -> str:
    """The page's own filters for its ledger: what the address asks, with the year the page shows."""
    export = request.GET.copy()
    export.pop("page", None)
    export["year"] = year or ""
    return urlencode({k: v for k, v in export.items() if v})


def _candidate_need_ids(request, suggestion=None) -> list:
    """Needs offered as evidence: those named in the query (a need, a theme), and those linked."""
    qs = Need.objects.visible_to(request.user)
    ids = []
    if request.GET.get("need"):
        try:
            ids += list(qs.filter(pk=request.GET["need"]).values_list("pk", flat=True))
        except (ValueError, ValidationError):
            pass
    if request.GET.get("keyword"):
        themed = qs.filter(keywords__keyword=request.GET["keyword"][:20])
        if request.GET.get("year", "").isdigit():
            themed = themed.filter(year=int(request.GET["year"]))
        ids += list(themed.order_by("-reported_on").values_list("pk", flat=True)[:50])
    if suggestion is not None:
        ids += list(suggestion.needs.values_list("pk", flat=True))
    if request.method == "POST":
        ids += request.POST.getlist("needs")
    return ids


@scoped(Suggestion, "create")
def suggestion_add(request):
    require_edit(request.user)
    need_ids = _candidate_need_ids(request)
    initial = {"org": request.user.org_id, "needs": need_ids, "year": timezone.localdate().year}
    if request.GET.get("year", "").isdigit():
        initial["year"] = int(request.GET["year"])
    form = SuggestionForm(request.POST or None, user=request.user, need_ids=need_ids, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            suggestion = services.create_suggestion(
                request.user,
                org=data.pop("org"),
                needs=list(data.pop("needs")),
                reports=list(data.pop("reports")),
                **data,
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("对策建议已保存。"))
            return redirect("assistance:suggestion-detail", pk=suggestion.pk)
    return render(request, "assistance/suggestion_form.html", {"form": form, "title": _("新建对策建议")})


@scoped(Suggestion, "read")
def suggestion_detail(request, pk):
    suggestion = get_visible_or_404(
        Suggestion.objects.select_related("org").prefetch_related(OUTCOMES), request.user, pk=pk
    )
    require_view(request.user)
    editable = can_edit_module(request.user) and can_edit(request.user, suggestion)
    return render(
        request,
        "assistance/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "steps": services.achievements(suggestion),
            "needs": suggestion.needs.visible_to(request.user).select_related("category", "org", "woman"),
            "reports": suggestion.reports.visible_to(request.user),
            "editable": editable,
            "outcome_form": OutcomeForm(initial={"happened_on": timezone.localdate()}) if editable else None,
        },
    )


@scoped(Suggestion, "change")
def suggestion_edit(request, pk):
    suggestion = get_visible_or_404(Suggestion, request.user, pk=pk)
    require_edit(request.user, suggestion)
    need_ids = _candidate_need_ids(request, suggestion)
    initial = {
        f: getattr(suggestion, f)
        for f in ("year", "title", "content", "channel", "recipient", "recipient_name")
    }
    initial.update(
        org=suggestion.org_id, needs=need_ids, reports=list(suggestion.reports.values_list("pk", flat=True))
    )
    form = SuggestionForm(request.POST or None, user=request.user, need_ids=need_ids, initial=initial)
    form.fields["org"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("org")
        try:
            services.update_suggestion(
                request.user,
                suggestion,
                needs=list(data.pop("needs")),
                reports=list(data.pop("reports")),
                **data,
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assistance:suggestion-detail", pk=suggestion.pk)
    return render(
        request,
        "assistance/suggestion_form.html",
        {"form": form, "title": _("修改对策建议"), "suggestion": suggestion},
    )


@require_POST
@scoped(Suggestion, "change")
def outcome_add(request, pk):
    """Record a step the suggestion reached, with its date and document (NEED-6)."""
    suggestion = get_visible_or_404(Suggestion, request.user, pk=pk)
    require_edit(request.user, suggestion)
    form = OutcomeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_outcome(request.user, suggestion, **form.cleaned_data)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("进展已登记。"))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}")
    return redirect("assistance:suggestion-detail", pk=suggestion.pk)


@scoped(SuggestionOutcome, "read")
def outcome_document(request, pk):
    """A suggestion's document, only through the scope (files are never served directly)."""
    outcome = get_visible_or_404(SuggestionOutcome, request.user, pk=pk)
    require_view(request.user)
    if not outcome.document:
        raise Http404
    try:
        handle = outcome.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = outcome.document_name or outcome.document.name.rsplit("/", 1)[-1]
    kind = uploads.FILE_TYPES.get(os.path.splitext(outcome.document.name)[1].lower())
    return uploads.download(handle, name, kind.content_type if kind else "")
