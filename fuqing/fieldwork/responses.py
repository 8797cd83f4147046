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
from django.utils.translation import gettext_lazy

from fuqing.core import audit, cells, uploads
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit, user_scope
from fuqing.fieldwork import skiplogic
from fuqing.fieldwork.attachments import storage
from fuqing.fieldwork.models import CHOICE_KINDS, Answer, Question, QuestionKind, Questionnaire, Response
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
        order = {c["value"]: position for position, c in enumerate(question.choices)}
        if any(v not in order for v in items):
            raise ValueError(_("请从选项中选择。"))
        return sorted(items, key=order.__getitem__) or None  # kept in the order the question lists them
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


PHOTOS = uploads.Policy(
    (".jpg", ".jpeg", ".png", ".webp"), field="photo", label=gettext_lazy("照片"), max_mb=10
)
GEOPOINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)(?:\s+-?\d+(?:\.\d+)?){0,2}\s*$")


def _clean_extra(question: Question, raw):
    """The kinds an XLSForm adds: a geopoint is 'latitude longitude [altitude accuracy]', a photo an
    uploaded image checked by content."""
    if question.kind == QuestionKind.GEOPOINT:
        if raw is None or not str(raw).strip():
            return None
        match = GEOPOINT.match(str(raw))
        if not match or not (-90 <= float(match.group(1)) <= 90 and -180 <= float(match.group(2)) <= 180):
            raise ValueError(_("位置应为“纬度 经度”，请用“获取位置”按钮。"))
        return " ".join(str(raw).split())
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        if raw.startswith("questionnaires/"):
            return raw  # an already stored photo, kept on edit
        raise ValueError(_("请拍照或选择一张照片。"))
    try:
        PHOTOS.check(raw)
    except uploads.UploadError as exc:
        raise ValueError(exc.messages[0]) from None
    return raw


def _logic_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if hasattr(value, "read"):
        return getattr(value, "name", "photo")
    return value


def _clean_question(question: Question, raw, context: dict, errors: dict, key: str, prefix: str = ""):
    """One shown question's value (None when unanswered), its rules checked; errors go to ``errors``."""
    label = question.text[:30]
    if question.kind == QuestionKind.NOTE:
        return None
    if question.kind == QuestionKind.CALCULATE:
        tree = question.extra.get("calc_tree")
        value = skiplogic.as_text(skiplogic.evaluate_expr(tree, context)) if tree else ""
        return value[:MAX_TEXT] or None
    try:
        if question.kind in (QuestionKind.GEOPOINT, QuestionKind.IMAGE):
            value = _clean_extra(question, raw)
        else:
            value = _clean_one(question, raw)
    except ValueError as exc:
        errors[key] = f"{prefix}{label}：{exc}"
        return None
    if value is None:
        if question.required:
            errors[key] = prefix + (
                question.message("required_message") or _("“%(q)s”为必答题。") % {"q": label}
            )
        return None
    tree = question.extra.get("filter_tree")
    if tree is not None and question.kind in CHOICE_KINDS:
        attrs = {c["value"]: {**c.get("attrs", {}), "name": c["value"]} for c in question.choices}
        chosen = value if isinstance(value, list) else [value]
        if any(not skiplogic.truthy(tree, context, choice=attrs.get(v, {})) for v in chosen):
            errors[key] = _("%(p)s%(q)s：所选选项不属于前一题的范围，请重新选择。") % {
                "p": prefix,
                "q": label,
            }
            return None
    tree = question.extra.get("constraint_tree")
    if tree is not None and not skiplogic.truthy(tree, context, current=_logic_value(value)):
        errors[key] = prefix + (
            question.message("constraint_message")
            or _("“%(q)s”的答案不符合要求（%(c)s）。") % {"q": label, "c": question.extra.get("constraint")}
        )
        return None
    return value


def _shown(question: Question, context: dict) -> bool:
    return skiplogic.evaluate(question.condition, context)


def clean_answers(questions: list[Question], raw: dict) -> dict:
    """Answers by question code, skip logic applied; raises ValidationError keyed by question code."""
    values, _repeats = clean_response(questions, raw, {})
    return values


def clean_response(questions: list[Question], raw: dict, repeats_raw: dict | None) -> tuple[dict, dict]:
    """The answers outside repeats by code, and the repeats' rows {repeat: [{code: value}, …]}, every
    rule applied as the browser does (relevant, required, constraint, choice_filter, calculation);
    raises ValidationError keyed by question code (``code__n`` for row n of a repeat)."""
    values: dict = {}
    errors: dict[str, str] = {}
    context: dict = {}
    for question in questions:
        if question.repeat:
            continue
        if not _shown(question, context):
            continue  # not shown: any answer sent is dropped
        value = _clean_question(question, raw.get(question.code), context, errors, question.code)
        if value is not None:
            values[question.code] = value
            context[question.code] = _logic_value(value)
    repeats: dict = {}
    for name in dict.fromkeys(q.repeat for q in questions if q.repeat):
        members = [q for q in questions if q.repeat == name]
        for index, row in enumerate((repeats_raw or {}).get(name, [])[:200]):
            local = dict(context)
            cleaned: dict = {}
            prefix = _("第%(n)d组：") % {"n": index + 1}
            for question in members:
                if not _shown(question, local):
                    continue
                key = f"{question.code}__{index}"
                value = _clean_question(question, row.get(question.code), local, errors, key, prefix)
                if value is not None:
                    cleaned[question.code] = value
                    local[question.code] = _logic_value(value)
            if any(
                q.kind not in (QuestionKind.CALCULATE, QuestionKind.NOTE)
                for q in members
                if q.code in cleaned
            ):
                repeats.setdefault(name, []).append(cleaned)
    if errors:
        raise invalid(errors, "FLD-6")
    return values, repeats


def _for_logic(values: dict) -> dict:
    return {k: _logic_value(v) for k, v in values.items()}


def submit_response(
    actor,
    questionnaire: Questionnaire,
    *,
    org: Org,
    answers: dict,
    repeats: dict | None = None,
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
    values, rows = clean_response(questions, answers or {}, repeats)
    try:
        with transaction.atomic():
            response = instance or Response(questionnaire=questionnaire, submitted_by=actor)
            if instance is None and id is not None:
                response.id = id
            response.org = org
            response.year = questionnaire.year
            response.answered_on = answered_on or timezone.localdate()
            response.repeats = {
                name: [{k: _stored(response, k, v) for k, v in row.items()} for row in items]
                for name, items in rows.items()
            }
            response.save(force_insert=instance is None)
            _write_answers(response, [q for q in questions if not q.repeat], values)
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
            rows.append(
                Answer(response=response, question=question, text=_stored(response, question.code, value))
            )
    Answer.objects.bulk_create(rows)


def _stored(response: Response, code: str, value):
    """A repeat row's value as JSON, or a photo stored under MEDIA_ROOT (its name kept as the answer)."""
    if hasattr(value, "read"):
        extension = (value.name.rsplit(".", 1)[-1] if "." in value.name else "jpg").lower()[:5]
        folder = f"questionnaires/{response.questionnaire_id}/{response.pk}"
        name = f"{folder}/{code}-{uuid.uuid4().hex[:8]}.{extension}"
        return storage().save(name, value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


def answers_of(response: Response) -> dict:
    """A response's answers by question code, in the shape ``clean_answers`` accepts."""
    result: dict = {}
    for answer in response.answers.select_related("question").order_by("question__position", "pk"):
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
