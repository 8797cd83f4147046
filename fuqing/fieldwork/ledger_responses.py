"""Raw questionnaire responses as a ledger (FLD-6, RPT-2): one row per response of the user's scope —
its questionnaire, unit, date, who entered it and every answer as "题目代码 题目：答案" — narrowed to
one questionnaire or year by the address. Export only: responses are entered on the form or the phone."""

from __future__ import annotations

from django.db.models import Prefetch

from fuqing.core.ledger import (
    Column,
    Ledger,
    person_column,
    record_number_column,
    register,
    unit_column,
    year_column,
)
from fuqing.fieldwork.filters import ResponseFilter
from fuqing.fieldwork.models import Answer, QuestionKind, Response


def answer_text(answer: Answer) -> str:
    question = answer.question
    if question.has_choices:
        return question.choice_label(answer.value)
    if question.kind == QuestionKind.NUMBER:
        return f"{answer.number.normalize():f}" if answer.number is not None else ""
    if question.kind == QuestionKind.DATE:
        return answer.date.isoformat() if answer.date else ""
    return answer.text


def _answers(response, ctx) -> str:
    by_question: dict[int, tuple[object, list[str]]] = {}
    for answer in response.answers.all():
        entry = by_question.setdefault(answer.question_id, (answer.question, []))
        entry[1].append(answer_text(answer))
    return "；".join(
        f"{q.code} {q.text}：{'、'.join(v for v in values if v)}"
        for q, values in sorted(by_question.values(), key=lambda e: e[0].position)
    )


@register
class ResponseLedger(Ledger):
    name = "responses"
    title = "问卷答卷台账"
    model = Response
    personal = False  # answers are anonymous (FLD-6): the respondent is never named
    export_permission = ("fieldwork", "export")
    columns = (
        record_number_column("答卷编号"),
        year_column(),
        Column("questionnaire", "问卷", export=lambda r, c: r.questionnaire.title, width=24),
        unit_column("org", "答卷单位"),
        Column("answered_on", "填写日期", export=lambda r, c: r.answered_on, width=12),
        person_column("submitted_by", "录入人", attr="submitted_by"),
        Column("answers", "答案", export=_answers, width=60),
    )

    def queryset(self, user):
        answers = Answer.objects.select_related("question").order_by("question__position", "id")
        return (
            Response.objects.visible_to(user)
            .select_related("questionnaire", "org", "submitted_by")
            .prefetch_related(Prefetch("answers", queryset=answers))
            .order_by("-year", "questionnaire_id", "answered_on", "created_at")
        )

    def filter(self, queryset, params):
        return ResponseFilter(params).apply(queryset)  # the list page's own filters
