"""Building questionnaires (FLD-6): questions, choices, skip logic, publishing.

A questionnaire can be changed only while it is a draft; once open, units under the publishing federation
answer it (responses.py); a closed one takes no more answers. Tallies are in tallies.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import user_scope
from fuqing.fieldwork import skiplogic
from fuqing.fieldwork.models import (
    CHOICE_KINDS,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
)
from fuqing.fieldwork.services import invalid
from fuqing.orgs.models import Org

CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")


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
    extra: dict = field(default_factory=dict)  # what an XLSForm adds (see Question.extra)


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
        extra=data.extra or {},
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
        if data.extra:
            question.extra = data.extra
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
