"""A questionnaire's tallies as an Excel workbook (FLD-6, RPT-2): totals, per area, and every response.

Every text cell is neutralised (SEC-10); the responses sheet streams in constant memory.
"""

from __future__ import annotations

import os
import tempfile

from django.utils import timezone

from fuqing.core import audit
from fuqing.core.cells import neutralise
from fuqing.core.downloads import temporary_file_response, tmp_dir
from fuqing.core.models import AuditAction
from fuqing.core.scoping import subtree_q
from fuqing.fieldwork.models import Answer, QuestionKind, Response
from fuqing.fieldwork.responses import answers_of
from fuqing.fieldwork.tallies import Tallies


def _text(sheet, row: int, col: int, value) -> None:
    if value is None or value == "":
        return
    if isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(neutralise(str(value))))


def tallies_xlsx(user, t: Tallies):
    import xlsxwriter

    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=tmp_dir())
    os.close(fd)
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    questions = [tally.question for tally in t.questions]

    summary = book.add_worksheet("汇总")
    summary.set_column(0, 0, 40)
    summary.set_column(1, 3, 14)
    _text(summary, 0, 0, t.questionnaire.title)
    _text(
        summary,
        1,
        0,
        f"统计范围：{t.area.name}　答卷 {t.responses} 份　导出于 {timezone.localdate():%Y-%m-%d}",
    )
    for col, header in enumerate(["题目", "选项/统计", "人数/数值", "占比"]):
        summary.write_string(3, col, header, bold)
    row = 4
    for tally in t.questions:
        question = tally.question
        _text(summary, row, 0, f"{question.position}. {question.text}")
        _text(summary, row, 1, "作答人数")
        _text(summary, row, 2, tally.answered)
        row += 1
        for choice in tally.choices:
            _text(summary, row, 1, choice["label"])
            _text(summary, row, 2, choice["count"])
            _text(summary, row, 3, f"{choice['share'] * 100:.1f}%")
            row += 1
        for key, label in (("avg", "平均"), ("low", "最小"), ("high", "最大"), ("total", "合计")):
            if tally.stats.get(key) is not None:
                value = tally.stats[key]
                _text(summary, row, 1, label)
                _text(
                    summary,
                    row,
                    2,
                    float(value) if question.kind == QuestionKind.NUMBER else value.isoformat(),
                )
                row += 1

    areas = book.add_worksheet("分地区")
    areas.set_column(0, 0, 24)
    areas.set_column(1, 3, 30)
    for col, header in enumerate(["地区", "答卷数", "题目", "选项", "人数"]):
        areas.write_string(0, col, header, bold)
    row = 1
    for area in t.areas:
        _text(areas, row, 0, area["label"])
        _text(areas, row, 1, area["responses"])
        row += 1
        for question in questions:
            for choice in question.choices:
                count = area["choices"].get((question.pk, choice["value"]), 0)
                if count:
                    _text(areas, row, 0, area["label"])
                    _text(areas, row, 2, question.text)
                    _text(areas, row, 3, choice["label"])
                    _text(areas, row, 4, count)
                    row += 1

    raw = book.add_worksheet("答卷")
    columns = {q.pk: index for index, q in enumerate(questions, start=3)}
    for col, header in enumerate(
        ["答卷编号", "答卷单位", "填写日期", *[f"{q.code} {q.text}" for q in questions]]
    ):
        raw.write_string(0, col, str(neutralise(header))[:250], bold)
    responses = _responses(user, t)
    answers = (
        Answer.objects.filter(response__in=responses)
        .select_related("response__org")
        .order_by("response__answered_on", "response_id", "question__position", "id")
    )
    by_pk = {q.pk: q for q in questions}
    row, current, values = 0, None, {}
    for answer in answers.iterator(chunk_size=2000):
        if answer.response_id != current:
            if current is not None:
                _raw_row(raw, row, values)
            row += 1
            current = answer.response_id
            values = {
                0: str(answer.response_id),
                1: answer.response.org.name,
                2: answer.response.answered_on.isoformat(),
            }
        col = columns[answer.question_id]
        values[col] = _join(values.get(col), _answer_text(answer, by_pk[answer.question_id]))
    if current is not None:
        _raw_row(raw, row, values)
    book.close()
    audit.record(
        AuditAction.EXPORT,
        actor=user,
        obj=t.questionnaire,
        details={"area": t.area.pk, "responses": t.responses},
    )
    return temporary_file_response(path, f"问卷统计-{t.questionnaire.pk}.xlsx")


def _responses(user, t: Tallies):
    return Response.objects.visible_to(user).filter(
        subtree_q(t.area.path, "org__path"), questionnaire=t.questionnaire
    )


def _answer_text(answer: Answer, question) -> str:
    if question.has_choices:
        return question.choice_label(answer.value)
    if question.kind == QuestionKind.NUMBER:
        return f"{answer.number.normalize():f}" if answer.number is not None else ""
    if question.kind == QuestionKind.DATE:
        return answer.date.isoformat() if answer.date else ""
    return answer.text


def _join(existing, value: str) -> str:
    return f"{existing}、{value}" if existing else value


def _raw_row(sheet, row: int, values: dict) -> None:
    for col in sorted(values):
        _text(sheet, row, col, values[col])


def raw_responses_xlsx(user, questionnaire):
    """Raw responses as KoBo exports them (FLD-6): one row per response, a column per question (its
    XLSForm name), multiple choices joined; each repeat on its own sheet, its rows tied to the response
    id. Only responses the user may see."""
    import xlsxwriter

    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=tmp_dir())
    os.close(fd)
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    questions = [q for q in questionnaire.questions.order_by("position") if q.kind != QuestionKind.NOTE]
    top = [q for q in questions if not q.repeat]
    repeats = {}
    for q in questions:
        if q.repeat:
            repeats.setdefault(q.repeat, []).append(q)

    def shown(question, value):
        if isinstance(value, list):
            return " ".join(str(v) for v in value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if value is not None and question.kind == QuestionKind.NUMBER:
            return float(value)
        return value

    sheet = book.add_worksheet("答卷")
    for col, header in enumerate(["_id", "答卷单位", "填写日期", *[q.code for q in top]]):
        sheet.write_string(0, col, str(neutralise(header))[:250], bold)
    sheets = {}
    for name, members in repeats.items():
        sheets[name] = [book.add_worksheet(str(neutralise(name))[:31]), 1]
        for col, header in enumerate(["_parent_id", "_index", *[q.code for q in members]]):
            sheets[name][0].write_string(0, col, str(neutralise(header))[:250], bold)
    responses = (
        Response.objects.visible_to(user)
        .filter(questionnaire=questionnaire)
        .select_related("org")
        .order_by("answered_on", "created_at")
    )
    count = 0
    for row, response in enumerate(responses.iterator(chunk_size=500), start=1):
        count += 1
        values = answers_of(response)
        _text(sheet, row, 0, str(response.pk))
        _text(sheet, row, 1, response.org.name)
        _text(sheet, row, 2, response.answered_on.isoformat())
        for col, question in enumerate(top, start=3):
            _text(sheet, row, col, shown(question, values.get(question.code)))
        for name, items in (response.repeats or {}).items():
            if name not in sheets:
                continue
            target = sheets[name]
            for index, item in enumerate(items, start=1):
                _text(target[0], target[1], 0, str(response.pk))
                _text(target[0], target[1], 1, index)
                for col, question in enumerate(repeats[name], start=2):
                    _text(target[0], target[1], col, shown(question, item.get(question.code)))
                target[1] += 1
    about = book.add_worksheet("说明")
    _text(about, 0, 0, questionnaire.title)
    _text(about, 1, 0, f"{questionnaire.org.name}　{questionnaire.year}　答卷 {count} 份")
    _text(about, 2, 0, f"导出于 {timezone.localdate():%Y-%m-%d}")
    book.close()
    audit.record(AuditAction.EXPORT, actor=user, obj=questionnaire, details={"raw_responses": count})
    return temporary_file_response(path, f"问卷答卷-{questionnaire.pk}.xlsx")
