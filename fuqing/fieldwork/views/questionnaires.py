"""Questionnaires (FLD-6): build or import, publish, fill in on a phone, read the tallies, export them."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core import uploads
from fuqing.core.context_processors import list_year, selected_year
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404, scope_q
from fuqing.fieldwork import questionnaires as service
from fuqing.fieldwork import skiplogic, xlsform
from fuqing.fieldwork.filters import QuestionnaireFilter
from fuqing.fieldwork.forms import QuestionForm, QuestionnaireForm, XLSFormUploadForm
from fuqing.fieldwork.models import Question, Questionnaire, QuestionnaireStatus
from fuqing.fieldwork.views.common import require_edit, require_view


def _report(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _visible_questionnaires(request):
    user = request.user
    return (
        Questionnaire.objects.visible_to(user)
        .select_related("org")
        .annotate(
            question_count=Count("questions", distinct=True),
            response_count=Count("responses", filter=scope_q(user, "responses__org"), distinct=True),
        )
    )


@scoped(Questionnaire, "list")
def questionnaire_list(request):
    require_view(request.user)
    flt = QuestionnaireFilter(request.GET, request.user)  # the API's filters (issue 11)
    q = flt.data.get("q") or ""
    year = flt.year(list_year(request, searching=bool(q)))  # the top bar's; a search: every year
    qs = flt.apply(_visible_questionnaires(request), default_year=year)
    page = Paginator(qs.order_by("-year", "-created_at"), 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "fieldwork/questionnaire_list.html",
        {
            "page": page,
            "q": q,
            "year": year,
            "flt": flt,
            "querystring": params.urlencode(),
            "can_edit": request.user.has_module_perm("fieldwork", "edit"),
        },
    )


@scoped(Questionnaire, "list")
def fill_list(request):
    """填问卷: the open questionnaires the user's unit can answer (the phone's bottom-bar action)."""
    require_view(request.user)
    qs = _visible_questionnaires(request).filter(status=QuestionnaireStatus.OPEN)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(title__icontains=q)
    return render(
        request, "fieldwork/fill_list.html", {"questionnaires": qs.order_by("-year", "title")[:100], "q": q}
    )


@scoped(Questionnaire, "create")
def questionnaire_add(request):
    require_edit(request.user)
    form = QuestionnaireForm(
        request.POST or None, user=request.user, initial={"year": selected_year(request)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            questionnaire = service.create_questionnaire(
                request.user,
                org=data["org"],
                year=data["year"],
                title=data["title"],
                description=data["description"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("问卷已创建，请添加题目。"))
            return redirect("fieldwork:questionnaire-detail", pk=questionnaire.pk)
    return render(request, "fieldwork/questionnaire_form.html", {"form": form, "title": _("新建问卷")})


@scoped(Questionnaire, "create")
def questionnaire_import(request):
    """Import an XLSForm (survey + choices sheets); anything unsupported is listed, nothing is created."""
    require_edit(request.user)
    form = XLSFormUploadForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"year": selected_year(request)},
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            uploads.SPREADSHEETS.check(upload)
        except ValidationError as exc:
            form.apply_service_error(exc)
            return render(
                request, "fieldwork/questionnaire_import.html", {"form": form, "problems": problems}
            )
        path = uploads.spool(upload)
        try:
            title, questions = xlsform.read(path)
            questionnaire = service.create_questionnaire(
                request.user,
                org=form.cleaned_data["org"],
                year=form.cleaned_data["year"],
                title=title or os.path.splitext(upload.name)[0][:200],
                questions=questions,
            )
        except xlsform.XLSFormError as exc:
            problems = exc.problems
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(
                request, _("已导入 %(n)d 道题目。请检查后发布。") % {"n": questionnaire.questions.count()}
            )
            return redirect("fieldwork:questionnaire-detail", pk=questionnaire.pk)
        finally:
            os.remove(path)
    return render(request, "fieldwork/questionnaire_import.html", {"form": form, "problems": problems})


def _builder_context(request, questionnaire, question_form=None, editing=None):
    questions = list(questionnaire.questions.order_by("position"))
    labels = {q.code: f"{q.position}. {q.text[:20]}" for q in questions}
    choices = {q.code: {c["value"]: c["label"] for c in q.choices} for q in questions}
    editable = (
        can_edit(request.user, questionnaire)
        and request.user.has_module_perm("fieldwork", "edit")
        and questionnaire.status == QuestionnaireStatus.DRAFT
    )
    return {
        "questionnaire": questionnaire,
        "questions": [(q, skiplogic.describe(q.condition, labels, choices)) for q in questions],
        "editable": editable,
        "can_manage": can_edit(request.user, questionnaire)
        and request.user.has_module_perm("fieldwork", "edit"),
        "question_form": question_form or (QuestionForm(earlier=questions) if editable else None),
        "editing": editing,
        "statuses": QuestionnaireStatus,
    }


@scoped(Questionnaire, "read")
def questionnaire_detail(request, pk):
    questionnaire = get_visible_or_404(Questionnaire.objects.select_related("org"), request.user, pk=pk)
    require_view(request.user)
    return render(request, "fieldwork/questionnaire_detail.html", _builder_context(request, questionnaire))


def _require_manage(request, questionnaire) -> None:
    require_edit(request.user)
    if not can_edit(request.user, questionnaire):
        raise PermissionDenied(_("只读范围：只有发布单位可以修改这份问卷。"))


@scoped(Questionnaire, "change")
def questionnaire_edit(request, pk):
    questionnaire = get_visible_or_404(Questionnaire, request.user, pk=pk)
    _require_manage(request, questionnaire)
    initial = {
        "title": questionnaire.title,
        "description": questionnaire.description,
        "year": questionnaire.year,
    }
    form = QuestionnaireForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_questionnaire(request.user, questionnaire, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("fieldwork:questionnaire-detail", pk=questionnaire.pk)
    return render(
        request,
        "fieldwork/questionnaire_form.html",
        {"form": form, "title": _("修改问卷"), "questionnaire": questionnaire},
    )


def _question_data(form: QuestionForm) -> service.QuestionData:
    data = form.cleaned_data
    return service.QuestionData(
        text=data["text"],
        kind=data["kind"],
        code=data["code"].strip(),
        required=data["required"],
        choices=service.parse_choice_lines(data["choices_text"]),
        relevant=form.relevant_source(),
        help=data["help"],
    )


@scoped(Questionnaire, "change")
def question_add(request, pk):
    questionnaire = get_visible_or_404(Questionnaire, request.user, pk=pk)
    _require_manage(request, questionnaire)
    earlier = list(questionnaire.questions.order_by("position"))
    form = QuestionForm(request.POST or None, earlier=earlier)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_question(request.user, questionnaire, None, _question_data(form))
        except ValidationError as exc:
            if "status" in getattr(exc, "error_dict", {}):
                _report(request, exc)
                return redirect("fieldwork:questionnaire-detail", pk=questionnaire.pk)
            form.apply_service_error(exc)
        else:
            messages.success(request, _("题目已添加。"))
            return redirect("fieldwork:questionnaire-detail", pk=questionnaire.pk)
    return render(
        request, "fieldwork/questionnaire_detail.html", _builder_context(request, questionnaire, form)
    )


@scoped(Question, "change")
def question_edit(request, pk):
    question = get_visible_or_404(Question.objects.select_related("questionnaire"), request.user, pk=pk)
    questionnaire = question.questionnaire
    _require_manage(request, questionnaire)
    earlier = list(questionnaire.questions.filter(position__lt=question.position).order_by("position"))
    op = question.condition or {}
    simple = op.get("op") in ("=", "!=", "selected", ">", "<")
    initial = {
        "text": question.text,
        "kind": question.kind,
        "required": question.required,
        "choices_text": "\n".join(f"{c['value']}|{c['label']}" for c in question.choices),
        "help": question.help,
        "code": question.code,
        "cond_question": op.get("q", "") if simple else "",
        "cond_op": op.get("op", "") if simple else "",
        "cond_value": op.get("v", "") if simple else "",
        "relevant": "" if simple else question.relevant,
    }
    form = QuestionForm(request.POST or None, earlier=earlier, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_question(request.user, questionnaire, question, _question_data(form))
        except ValidationError as exc:
            if "status" in getattr(exc, "error_dict", {}):
                _report(request, exc)
                return redirect("fieldwork:questionnaire-detail", pk=questionnaire.pk)
            form.apply_service_error(exc)
        else:
            messages.success(request, _("题目已保存。"))
            return redirect("fieldwork:questionnaire-detail", pk=questionnaire.pk)
    return render(
        request,
        "fieldwork/questionnaire_detail.html",
        _builder_context(request, questionnaire, form, question),
    )


@require_POST
@scoped(Question, "delete")
def question_delete(request, pk):
    question = get_visible_or_404(Question.objects.select_related("questionnaire"), request.user, pk=pk)
    _require_manage(request, question.questionnaire)
    try:
        service.delete_question(request.user, question)
        messages.success(request, _("题目已删除。"))
    except ValidationError as exc:
        _report(request, exc)
    return redirect("fieldwork:questionnaire-detail", pk=question.questionnaire_id)


@require_POST
@scoped(Question, "change")
def question_move(request, pk):
    question = get_visible_or_404(Question.objects.select_related("questionnaire"), request.user, pk=pk)
    _require_manage(request, question.questionnaire)
    try:
        service.move_question(request.user, question, -1 if request.POST.get("direction") == "up" else 1)
    except ValidationError as exc:
        _report(request, exc)
    return redirect("fieldwork:questionnaire-detail", pk=question.questionnaire_id)


@require_POST
@scoped(Questionnaire, "change")
def questionnaire_status(request, pk):
    questionnaire = get_visible_or_404(Questionnaire, request.user, pk=pk)
    _require_manage(request, questionnaire)
    try:
        service.set_status(request.user, questionnaire, request.POST.get("status", ""))
        messages.success(request, _("问卷状态已改为“%(s)s”。") % {"s": questionnaire.get_status_display()})
    except ValidationError as exc:
        _report(request, exc)
    return redirect("fieldwork:questionnaire-detail", pk=questionnaire.pk)
