"""Questionnaire rules (FLD-6): building, publishing, answering with skip logic, and tallies.

A questionnaire can be changed only while it is a draft; once open, units under the publishing federation
answer it; a closed one takes no more answers. Skip logic is applied here as in the browser: answers to
questions that are not shown are dropped, and a required question is required only when shown.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Max, Min, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit, cells
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit, subtree_q, user_scope
from fuqing.fieldwork import skiplogic
from fuqing.fieldwork.models import (
    CHOICE_KINDS,
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    Response,
)
from fuqing.fieldwork.services import invalid
from fuqing.orgs.models import Org

CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")
MAX_TEXT = 2000


@dataclass
class QuestionData:
    text: str
    kind: str
    code: str = ""
    required: bool = False
    choices: list[dict] = field(default_factory=list)
    relevant: str = ""
    help: str = ""
    condition: dict | None = None  # set by check_question from ``relevant``


def _require_draft(questionnaire: Questionnaire) -> None:
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise ValidationError(
            {"status": _("问卷已发布，不能再修改题目；如需调整，请复制为新问卷。")}, code="FLD-6"
        )


def _require_builder(actor, questionnaire: Questionnaire | None = None, org: Org | None = None) -> None:
    require(actor, "fieldwork", "edit")
    target = org if org is not None else questionnaire.org
    if not user_scope(actor).covers(target.path, edit=True):
        raise PermissionDenied(_("只读范围：只有发布单位可以修改这份问卷。"))


def parse_choice_lines(text: str) -> list[dict]:
    """Builder choices, one per line: '标签' (value numbered 1, 2, …) or '值|标签'."""
    choices = []
    for number, line in enumerate((r.strip() for r in (text or "").splitlines() if r.strip()), start=1):
        if "|" in line:
            value, label = (part.strip() for part in line.split("|", 1))
        else:
            value, label = str(number), line
        choices.append({"value": value, "label": label})
    return choices


def check_question(data: QuestionData, earlier: list[Question | QuestionData], taken_codes: set[str]) -> None:
    """FLD-6: a question's text, kind, choices and skip logic (which may refer only to earlier questions)."""
    errors: dict[str, str] = {}
    if not data.text.strip():
        errors["text"] = _("请填写题目。")
    elif len(data.text) > 500:
        errors["text"] = _("题目不能超过 500 个字。")
    if data.kind not in QuestionKind.values:
        errors["kind"] = _("请选择题型：单选、多选、数字、文字或日期。")
    if not CODE.match(data.code or ""):
        errors["code"] = _("题目代码应以字母开头，只含字母、数字和下划线，最长 40 位。")
    elif data.code in taken_codes:
        errors["code"] = _("题目代码“%(c)s”已被本问卷其他题目使用。") % {"c": data.code}
    if data.kind in CHOICE_KINDS:
        values = [c["value"] for c in data.choices]
        if len(data.choices) < 2:
            errors["choices"] = _("单选题和多选题至少要有两个选项。")
        elif len(set(values)) != len(values):
            errors["choices"] = _("选项的值不能重复。")
        elif any(not c["label"] or not c["value"] or len(c["value"]) > 100 for c in data.choices):
            errors["choices"] = _("每个选项都要有值和文字，值不超过 100 个字符。")
    try:
        data.condition = skiplogic.parse(data.relevant)
    except skiplogic.SkipLogicError as exc:
        errors["relevant"] = str(exc)
    else:
        known = {q.code for q in earlier}
        unknown = sorted(skiplogic.references(data.condition) - known)
        if unknown:
            errors["relevant"] = _("显示条件只能引用本题之前的题目，找不到：%(c)s。") % {
                "c": "、".join(unknown)
            }
    if errors:
        raise invalid(errors, "FLD-6")


def _next_code(existing: set[str]) -> str:
    n = len(existing) + 1
    while f"q{n}" in existing:
        n += 1
    return f"q{n}"


@transaction.atomic
def create_questionnaire(
    actor, *, org: Org, year: int, title: str, description: str = "", questions: list[QuestionData] = ()
) -> Questionnaire:
    _require_builder(actor, org=org)
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写问卷标题。")
    if not year or not 2000 <= int(year) <= 2100:
        errors["year"] = _("年度应为四位年份。")
    if errors:
        raise invalid(errors, "FLD-6")
    questionnaire = Questionnaire.objects.create(
        org=org, year=year, title=title.strip()[:200], description=description.strip(), created_by=actor
    )
    count = _add_questions(questionnaire, questions)
    audit.record(AuditAction.CREATE, actor=actor, obj=questionnaire, details={"questions": count})
    return questionnaire


def _add_questions(questionnaire: Questionnaire, questions) -> int:
    """Check and add questions in order; an error names the question's number (第3题：…)."""
    earlier: list[QuestionData] = []
    for position, data in enumerate(questions, start=1):
        data.code = data.code or _next_code({q.code for q in earlier})
        try:
            check_question(data, earlier, {q.code for q in earlier})
        except ValidationError as exc:
            raise ValidationError(
                {k: f"第{position}题：{'；'.join(v)}" for k, v in exc.message_dict.items()}, code="FLD-6"
            ) from None
        _new_question(questionnaire, position, data)
        earlier.append(data)
    return len(earlier)


def _new_question(questionnaire, position: int, data: QuestionData) -> Question:
    return Question.objects.create(
        questionnaire=questionnaire,
        position=position,
        code=data.code,
        text=data.text.strip(),
        help=data.help.strip()[:300],
        kind=data.kind,
        required=data.required,
        choices=data.choices if data.kind in CHOICE_KINDS else [],
        relevant=skiplogic.to_source(data.condition),
        condition=data.condition,
    )


@transaction.atomic
def replace_questions(actor, questionnaire: Questionnaire, questions: list[QuestionData]) -> None:
    """Every question at once (the API's PUT), checked as on creation; drafts only."""
    _require_builder(actor, questionnaire)
    _require_draft(questionnaire)
    questionnaire.questions.all().delete()
    count = _add_questions(questionnaire, questions)
    audit.record(AuditAction.UPDATE, actor=actor, obj=questionnaire, details={"questions": count})


@transaction.atomic
def update_questionnaire(actor, questionnaire: Questionnaire, *, title: str, description: str, year: int):
    _require_builder(actor, questionnaire)
    if not title.strip():
        raise ValidationError({"title": _("请填写问卷标题。")}, code="FLD-6")
    if questionnaire.status != QuestionnaireStatus.DRAFT and year != questionnaire.year:
        raise ValidationError({"year": _("问卷发布后不能再修改年度。")}, code="FLD-6")
    questionnaire.title = title.strip()[:200]
    questionnaire.description = description.strip()
    questionnaire.year = year
    questionnaire.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=questionnaire, details={"fields": ["title", "year"]})
    return questionnaire


@transaction.atomic
def save_question(actor, questionnaire: Questionnaire, question: Question | None, data: QuestionData):
    _require_builder(actor, questionnaire)
    _require_draft(questionnaire)
    siblings = list(questionnaire.questions.all())
    others = [q for q in siblings if question is None or q.pk != question.pk]
    if question is None:
        earlier = siblings
    else:
        earlier = [q for q in siblings if q.position < question.position]
    data.code = data.code or (question.code if question else _next_code({q.code for q in siblings}))
    check_question(data, earlier, {q.code for q in others})
    if question is not None:
        later = [q for q in siblings if q.position > question.position]
        if question.code != data.code and any(
            question.code in skiplogic.references(q.condition) for q in later
        ):
            raise ValidationError(
                {"code": _("后面题目的显示条件引用了本题代码，不能修改代码。")}, code="FLD-6"
            )
        question.code = data.code
        question.text = data.text.strip()
        question.help = data.help.strip()[:300]
        question.kind = data.kind
        question.required = data.required
        question.choices = data.choices if data.kind in CHOICE_KINDS else []
        question.relevant = skiplogic.to_source(data.condition)
        question.condition = data.condition
        question.save()
    else:
        question = _new_question(questionnaire, (max((q.position for q in siblings), default=0)) + 1, data)
    audit.record(AuditAction.UPDATE, actor=actor, obj=questionnaire, details={"question": question.code})
    return question


@transaction.atomic
def delete_question(actor, question: Question) -> None:
    questionnaire = question.questionnaire
    _require_builder(actor, questionnaire)
    _require_draft(questionnaire)
    used_by = [
        q.code for q in questionnaire.questions.all() if question.code in skiplogic.references(q.condition)
    ]
    if used_by:
        raise ValidationError(
            {"code": _("题目 %(c)s 的显示条件引用了本题，请先修改它们。") % {"c": "、".join(used_by)}},
            code="FLD-6",
        )
    question.delete()
    for position, q in enumerate(questionnaire.questions.order_by("position"), start=1):
        if q.position != position:
            Question.objects.filter(pk=q.pk).update(position=position)
    audit.record(AuditAction.UPDATE, actor=actor, obj=questionnaire, details={"deleted": question.code})


@transaction.atomic
def move_question(actor, question: Question, offset: int) -> None:
    """Move up (-1) or down (+1); a question cannot move above one its skip logic refers to."""
    questionnaire = question.questionnaire
    _require_builder(actor, questionnaire)
    _require_draft(questionnaire)
    other = questionnaire.questions.filter(position=question.position + offset).first()
    if other is None:
        return
    first, second = (other, question) if offset < 0 else (question, other)
    if first.code in skiplogic.references(second.condition):
        raise ValidationError(
            {
                "position": _("题目 %(b)s 的显示条件引用了 %(a)s，不能调到它前面。")
                % {"a": first.code, "b": second.code}
            },
            code="FLD-6",
        )
    Question.objects.filter(pk=question.pk).update(position=other.position)
    Question.objects.filter(pk=other.pk).update(position=question.position)


@transaction.atomic
def set_status(actor, questionnaire: Questionnaire, status: str) -> None:
    _require_builder(actor, questionnaire)
    if status not in QuestionnaireStatus.values:
        raise ValidationError({"status": _("未知的问卷状态。")}, code="FLD-6")
    if status == QuestionnaireStatus.OPEN and not questionnaire.questions.exists():
        raise ValidationError({"status": _("问卷还没有题目，不能发布。")}, code="FLD-6")
    if status == QuestionnaireStatus.DRAFT and questionnaire.responses.exists():
        raise ValidationError({"status": _("已有答卷的问卷不能退回草稿。")}, code="FLD-6")
    questionnaire.status = status
    questionnaire.save(update_fields=["status", "updated_at"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=questionnaire, details={"status": status})


# --- answering ---------------------------------------------------------------------------------------


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


# --- tallies ------------------------------------------------------------------------------------------


@dataclass
class QuestionTally:
    question: Question
    answered: int = 0
    choices: list[dict] = field(default_factory=list)  # value, label, count, share
    stats: dict = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)


@dataclass
class Tallies:
    questionnaire: Questionnaire
    area: Org
    responses: int
    questions: list[QuestionTally]
    areas: list[dict]  # {"org": Org|None, "label": str, "responses": int, "choices": {(qid, value): n}}


def tallies(actor, questionnaire: Questionnaire, area: Org, sample_limit: int = 5) -> Tallies:
    """FLD-6: counts per question and per child area of ``area``, over the responses in the user's
    scope; a fixed number of GROUP BY queries."""
    responses = Response.objects.visible_to(actor).filter(
        subtree_q(area.path, "org__path"), questionnaire=questionnaire
    )
    answers = Answer.objects.visible_to(actor).filter(
        subtree_q(area.path, "response__org__path"), response__questionnaire=questionnaire
    )
    width = len(area.path) + Org.steplen
    questions = list(questionnaire.questions.order_by("position"))
    answered = dict(
        answers.values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    choice_counts = {
        (r["question_id"], r["value"]): r["n"]
        for r in answers.filter(question__kind__in=CHOICE_KINDS)
        .values("question_id", "value")
        .annotate(n=Count("id"))
    }
    numbers = {
        r["question_id"]: r
        for r in answers.filter(question__kind=QuestionKind.NUMBER)
        .values("question_id")
        .annotate(avg=Avg("number"), low=Min("number"), high=Max("number"), total=Sum("number"))
    }
    dates = {
        r["question_id"]: r
        for r in answers.filter(question__kind=QuestionKind.DATE)
        .values("question_id")
        .annotate(low=Min("date"), high=Max("date"))
    }
    samples: dict[int, list[str]] = {}
    for qid, text in (
        answers.filter(question__kind=QuestionKind.TEXT)
        .order_by("-response__created_at")
        .values_list("question_id", "text")[:500]
    ):
        if len(samples.setdefault(qid, [])) < sample_limit:
            samples[qid].append(text)
    total = responses.count()
    result = []
    for question in questions:
        tally = QuestionTally(question=question, answered=answered.get(question.pk, 0))
        if question.has_choices:
            for choice in question.choices:
                count = choice_counts.get((question.pk, choice["value"]), 0)
                tally.choices.append(
                    {
                        "value": choice["value"],
                        "label": choice["label"],
                        "count": count,
                        "share": count / tally.answered if tally.answered else 0,
                    }
                )
        elif question.kind == QuestionKind.NUMBER and question.pk in numbers:
            tally.stats = numbers[question.pk]
        elif question.kind == QuestionKind.DATE and question.pk in dates:
            tally.stats = dates[question.pk]
        tally.samples = samples.get(question.pk, [])
        result.append(tally)
    return Tallies(
        questionnaire=questionnaire,
        area=area,
        responses=total,
        questions=result,
        areas=_area_rows(area, responses, answers, width),
    )


def _area_rows(area: Org, responses, answers, width: int) -> list[dict]:
    children = list(Org.objects.filter(subtree_q(area.path), depth=area.depth + 1).order_by("path"))
    rows = {c.path: {"org": c, "label": c.name, "responses": 0, "choices": {}} for c in children}
    rows[area.path] = {"org": None, "label": f"{area.name}（本级）", "responses": 0, "choices": {}}
    for r in (
        responses.annotate(unit=Substr("org__path", 1, width))
        .values("unit")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if r["unit"] in rows:
            rows[r["unit"]]["responses"] = r["n"]
    for r in (
        answers.filter(question__kind__in=CHOICE_KINDS)
        .annotate(unit=Substr("response__org__path", 1, width))
        .values("unit", "question_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if r["unit"] in rows:
            rows[r["unit"]]["choices"][(r["question_id"], r["value"])] = r["n"]
    ordered = [rows[c.path] for c in children]
    if rows[area.path]["responses"]:
        ordered.insert(0, rows[area.path])
    return ordered
