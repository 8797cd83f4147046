"""Answering questionnaires (FLD-6, PLT-6): skip logic applied on the server as in the browser — answers
to questions that are not shown are dropped, and a required question is required only when shown."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit, cells
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit, user_scope
from fuqing.fieldwork import skiplogic
from fuqing.fieldwork.models import Answer, Question, QuestionKind, Questionnaire, Response
from fuqing.fieldwork.services import invalid
from fuqing.orgs.models import Org

MAX_TEXT = 2000


def _clean_one(question: Question, raw):
    """One raw answer (form string, list, JSON value) as the value skip logic and storage use."""
    kind = question.kind
    if kind == QuestionKind.MULTIPLE:
        items = (
            raw if isinstance(raw, list | tuple) else [v for v in re.split(r"[,\s]+", str(raw or "")) if v]
        )
        items = list(dict.fromkeys(str(v) for v in items))
        allowed = {c["value"] for c in question.choices}
        if any(v not in allowed for v in items):
            raise ValueError(_("请从选项中选择。"))
        return items or None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == QuestionKind.SINGLE:
        value = str(raw).strip()
        if value not in {c["value"] for c in question.choices}:
            raise ValueError(_("请从选项中选择。"))
        return value
    if kind == QuestionKind.NUMBER:
        try:
            number = Decimal(cells.compact(raw)) if not isinstance(raw, int | float) else Decimal(str(raw))
        except InvalidOperation:
            raise ValueError(_("应为数字。")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise ValueError(_("数字超出范围。"))
        return number
    if kind == QuestionKind.DATE:
        try:
            return cells.date(raw)
        except cells.CellError as exc:
            raise ValueError(str(exc)) from None
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(_("不能超过 %(n)d 个字。") % {"n": MAX_TEXT})
    return text


def clean_answers(questions: list[Question], raw: dict) -> dict:
    """Answers by question code, skip logic applied; raises ValidationError keyed by question code."""
    values: dict = {}
    errors: dict[str, str] = {}
    for question in questions:
        if not skiplogic.evaluate(question.condition, _for_logic(values)):
            continue  # not shown: any answer sent is dropped
        try:
            value = _clean_one(question, raw.get(question.code))
        except ValueError as exc:
            errors[question.code] = f"{question.text[:30]}：{exc}"
            continue
        if value is None:
            if question.required:
                errors[question.code] = _("“%(q)s”为必答题。") % {"q": question.text[:30]}
            continue
        values[question.code] = value
    if errors:
        raise invalid(errors, "FLD-6")
    return values


def _for_logic(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in values.items()}


def submit_response(
    actor,
    questionnaire: Questionnaire,
    *,
    org: Org,
    answers: dict,
    answered_on: datetime.date | None = None,
    id: uuid.UUID | None = None,
    instance: Response | None = None,
    record_audit: bool = True,
) -> tuple[Response, bool]:
    """Record one response (FLD-6); an ``id`` already used by the same user returns that response
    untouched, so a replayed offline submission does not duplicate it (PLT-6)."""
    require(actor, "fieldwork", "edit")
    if not questionnaire.is_open:
        raise ValidationError({"status": _("这份问卷不在收集中，不能填写。")}, code="FLD-6")
    if org is None:
        raise ValidationError({"org": _("请选择答卷单位。")}, code="FLD-6")
    if not user_scope(actor).covers(org.path, edit=True):
        raise PermissionDenied(_("“%(o)s”超出了您可以编辑的范围。") % {"o": org.name})
    if not org.path.startswith(questionnaire.org.path):
        raise ValidationError(
            {"org": _("答卷单位应在发布单位“%(o)s”之下。") % {"o": questionnaire.org}}, code="FLD-6"
        )
    if instance is None and id is not None:
        existing = Response.objects.filter(pk=id).first()
        if existing is not None:
            return _replayed(actor, existing, questionnaire), False
    if instance is not None and not can_edit(actor, instance):
        raise PermissionDenied(_("只读范围：您可以查看该答卷，但不能修改。"))
    questions = list(questionnaire.questions.order_by("position"))
    values = clean_answers(questions, answers or {})
    try:
        with transaction.atomic():
            response = instance or Response(questionnaire=questionnaire, submitted_by=actor)
            if instance is None and id is not None:
                response.id = id
            response.org = org
            response.year = questionnaire.year
            response.answered_on = answered_on or timezone.localdate()
            response.save(force_insert=instance is None)
            _write_answers(response, questions, values)
            if record_audit:
                audit.record(
                    AuditAction.CREATE if instance is None else AuditAction.UPDATE,
                    actor=actor,
                    obj=response,
                    details={"questionnaire": questionnaire.pk, "answered": len(values)},
                )
    except IntegrityError:
        existing = Response.objects.filter(pk=id).first() if id else None
        if instance is None and existing is not None:
            return _replayed(actor, existing, questionnaire), False
        raise
    return response, instance is None


@transaction.atomic
def delete_response(actor, response: Response) -> None:
    require(actor, "fieldwork", "edit")
    if not can_edit(actor, response):
        raise PermissionDenied(_("只读范围：您可以查看该答卷，但不能删除。"))
    if not response.questionnaire.is_open:
        raise ValidationError({"status": _("这份问卷已结束，答卷不能再删除。")}, code="FLD-6")
    audit.record(
        AuditAction.DELETE, actor=actor, obj=response, details={"questionnaire": response.questionnaire_id}
    )
    response.delete()


def _replayed(actor, existing: Response, questionnaire) -> Response:
    if existing.submitted_by_id != actor.pk or existing.questionnaire_id != questionnaire.pk:
        raise ValidationError({"id": _("该答卷编号已被使用，请刷新页面后重新填写。")}, code="PLT-6")
    return existing


def _write_answers(response: Response, questions: list[Question], values: dict) -> None:
    Answer.objects.filter(response=response).delete()
    rows = []
    for question in questions:
        value = values.get(question.code)
        if value is None:
            continue
        if question.kind == QuestionKind.MULTIPLE:
            rows.extend(Answer(response=response, question=question, value=v) for v in value)
        elif question.kind == QuestionKind.SINGLE:
            rows.append(Answer(response=response, question=question, value=value))
        elif question.kind == QuestionKind.NUMBER:
            rows.append(Answer(response=response, question=question, number=value))
        elif question.kind == QuestionKind.DATE:
            rows.append(Answer(response=response, question=question, date=value))
        else:
            rows.append(Answer(response=response, question=question, text=value))
    Answer.objects.bulk_create(rows)


def answers_of(response: Response) -> dict:
    """A response's answers by question code, in the shape ``clean_answers`` accepts."""
    result: dict = {}
    for answer in response.answers.select_related("question"):
        question = answer.question
        if question.kind == QuestionKind.MULTIPLE:
            result.setdefault(question.code, []).append(answer.value)
        elif question.kind == QuestionKind.SINGLE:
            result[question.code] = answer.value
        elif question.kind == QuestionKind.NUMBER:
            result[question.code] = answer.number.normalize() if answer.number is not None else None
        elif question.kind == QuestionKind.DATE:
            result[question.code] = answer.date
        else:
            result[question.code] = answer.text
    return result
