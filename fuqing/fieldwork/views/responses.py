"""Answering questionnaires and reading the results (FLD-6): fill in on a phone, responses, tallies."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.fieldwork import responses, tallies
from fuqing.fieldwork.exports import raw_responses_xlsx, tallies_xlsx
from fuqing.fieldwork.filters import ResponseFilter
from fuqing.fieldwork.forms import ResponseForm
from fuqing.fieldwork.models import Answer, Questionnaire, Response, localized
from fuqing.fieldwork.views.common import area_for, require_edit, require_view


def _report(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _fill(request, questionnaire, response=None):
    questions = list(questionnaire.questions.order_by("position"))
    initial = {}
    if response is not None:
        initial = {"org": response.org_id, "answered_on": response.answered_on}
        for code, value in responses.answers_of(response).items():
            initial[f"q_{code}"] = value.isoformat() if hasattr(value, "isoformat") else value
    form = ResponseForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        questionnaire=questionnaire,
        questions=questions,
        response=response,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved, created = responses.submit_response(
                request.user,
                questionnaire,
                org=data["org"],
                answers=form.raw_answers(),
                repeats=form.raw_repeats(),
                answered_on=data["answered_on"],
                id=data.get("id"),
                instance=response,
            )
        except ValidationError as exc:
            for code, errors in exc.message_dict.items():
                target = (
                    f"q_{code}" if f"q_{code}" in form.fields else (code if code in form.fields else None)
                )
                for error in errors:
                    form.add_error(target, error)
        else:
            if response is None and not created:
                messages.info(request, _("这份答卷已经提交过，没有重复记录。"))
            else:
                messages.success(request, _("答卷已提交。") if response is None else _("答卷已保存。"))
            if response is None and request.POST.get("again"):
                return redirect("fieldwork:questionnaire-fill", pk=questionnaire.pk)
            return redirect("fieldwork:response-detail", pk=saved.pk)
    return render(
        request,
        "fieldwork/response_form.html",
        {"form": form, "questionnaire": questionnaire, "response": response},
    )


@scoped(Questionnaire, "read")
def questionnaire_fill(request, pk):
    """Fill in on a phone: one long form; skip logic hides questions in the browser and the server
    applies the same rules (FLD-6)."""
    questionnaire = get_visible_or_404(Questionnaire.objects.select_related("org"), request.user, pk=pk)
    require_edit(request.user)
    if not questionnaire.is_open:
        messages.error(request, _("这份问卷不在收集中，不能填写。"))
        return redirect("fieldwork:questionnaire-detail", pk=questionnaire.pk)
    return _fill(request, questionnaire)


@scoped(Response, "list", lookup="questionnaire_id", kwarg="pk")
def response_list(request, pk):
    questionnaire = get_visible_or_404(Questionnaire.objects.select_related("org"), request.user, pk=pk)
    require_view(request.user)
    # the ledger's and the API's filters (issue 11); the questionnaire is the address's
    params = request.GET.copy()
    params["questionnaire"] = str(questionnaire.pk)
    flt = ResponseFilter(params, request.user)
    qs = flt.apply(Response.objects.visible_to(request.user).select_related("org", "submitted_by"))
    q = flt.data.get("q") or ""
    page = Paginator(qs.order_by("-answered_on", "-created_at"), 30).get_page(request.GET.get("page"))
    text_answers = {}
    for response_id, text in (
        Answer.objects.filter(response__in=list(page), question__kind="text")
        .order_by("question__position")
        .values_list("response_id", "text")
    ):
        text_answers.setdefault(response_id, []).append(text)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "fieldwork/response_list.html",
        {
            "questionnaire": questionnaire,
            "rows": [(r, "；".join(text_answers.get(r.pk, []))[:120]) for r in page],
            "page": page,
            "q": q,
            "flt": flt,
            "querystring": params.urlencode(),
            "can_export": request.user.has_module_perm("fieldwork", "export"),
        },
    )


@scoped(Response, "read")
def response_detail(request, pk):
    response = get_visible_or_404(
        Response.objects.select_related("questionnaire", "org", "submitted_by"), request.user, pk=pk
    )
    require_view(request.user)
    values = responses.answers_of(response)
    rows = []
    questions = list(response.questionnaire.questions.order_by("position"))
    repeats = []
    for name, items in (response.repeats or {}).items():
        members = [q for q in questions if q.repeat == name]
        group = next(
            (g for g in (members[0].extra.get("groups", []) if members else []) if g["name"] == name), {}
        )
        repeats.append(
            (
                localized(group.get("labels")) or name,
                [
                    [(q, _shown_value(q, item.get(q.code))) for q in members if q.kind != "note"]
                    for item in items
                ],
            )
        )
    for question in questions:
        if question.repeat or question.kind == "note":
            continue
        value = values.get(question.code)
        if isinstance(value, list):
            shown = "、".join(question.choice_label(v) for v in value)
        elif question.has_choices and value is not None:
            shown = question.choice_label(value)
        else:
            shown = value
        rows.append((question, shown))
    return render(
        request,
        "fieldwork/response_detail.html",
        {
            "response": response,
            "rows": rows,
            "repeats": repeats,
            "can_edit": can_edit(request.user, response)
            and request.user.has_module_perm("fieldwork", "edit")
            and response.questionnaire.is_open,
        },
    )


@scoped(Response, "change")
def response_edit(request, pk):
    response = get_visible_or_404(Response.objects.select_related("questionnaire__org"), request.user, pk=pk)
    require_edit(request.user)
    if not can_edit(request.user, response):
        raise PermissionDenied(_("只读范围：您可以查看该答卷，但不能修改。"))
    if not response.questionnaire.is_open:
        messages.error(request, _("这份问卷不在收集中，答卷不能再修改。"))
        return redirect("fieldwork:response-detail", pk=response.pk)
    return _fill(request, response.questionnaire, response)


@require_POST
@scoped(Response, "delete")
def response_delete(request, pk):
    response = get_visible_or_404(Response.objects.select_related("questionnaire"), request.user, pk=pk)
    try:
        responses.delete_response(request.user, response)
    except ValidationError as exc:
        _report(request, exc)
        return redirect("fieldwork:response-detail", pk=response.pk)
    messages.success(request, _("答卷已删除。"))
    return redirect("fieldwork:responses", pk=response.questionnaire_id)


# --- tallies ------------------------------------------------------------------------------------------


def _tally_area(request, questionnaire):
    """``?area=`` if given; else the questionnaire's own unit when it lies in the user's scope, else
    the top of her scope (a district looking at the city's questionnaire sees her district)."""
    area = area_for(request)
    if "area" not in request.GET and questionnaire.org.path.startswith(area.path):
        return questionnaire.org
    return area


@scoped(Questionnaire, "read")
def questionnaire_tallies(request, pk):
    questionnaire = get_visible_or_404(Questionnaire.objects.select_related("org"), request.user, pk=pk)
    require_view(request.user)
    area = _tally_area(request, questionnaire)
    result = tallies.tallies(request.user, questionnaire, area)
    area_rows = {
        tally.question.pk: [
            {
                "label": a["label"],
                "counts": [a["choices"].get((tally.question.pk, c["value"]), 0) for c in tally.choices],
            }
            for a in result.areas
        ]
        for tally in result.questions
        if tally.question.has_choices
    }
    return render(
        request,
        "fieldwork/tallies.html",
        {
            "t": result,
            "area": area,
            "area_rows": area_rows,
            "can_export": request.user.has_module_perm("fieldwork", "export"),
        },
    )


@scoped(Questionnaire, "export")
def questionnaire_export(request, pk):
    questionnaire = get_visible_or_404(Questionnaire.objects.select_related("org"), request.user, pk=pk)
    if not request.user.has_module_perm("fieldwork", "export"):
        raise PermissionDenied(_("您没有导出“下基层”模块数据的权限。"))
    area = _tally_area(request, questionnaire)
    return tallies_xlsx(request.user, tallies.tallies(request.user, questionnaire, area))


@scoped(Questionnaire, "export")
def responses_export(request, pk):
    """Raw responses to Excel, one row per response and each repeat on its own sheet (FLD-6)."""

    questionnaire = get_visible_or_404(Questionnaire.objects.select_related("org"), request.user, pk=pk)
    if not request.user.has_module_perm("fieldwork", "export"):
        raise PermissionDenied(_("您没有导出“下基层”模块数据的权限。"))
    return raw_responses_xlsx(request.user, questionnaire)


def _shown_value(question, value):
    if isinstance(value, list):
        return "、".join(question.choice_label(v) for v in value)
    if question.has_choices and value not in (None, ""):
        return question.choice_label(value)
    return value
