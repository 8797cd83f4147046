"""Importing a questionnaire from an XLSForm file (FLD-6): the ``survey`` and ``choices`` sheets.

Supported: select_one / select_multiple (choices from the choices sheet), integer, decimal, text, date;
the columns type, name, label (or label::<language>), hint, required, relevant; the settings sheet's
form_title. Anything else in the file — another type, a group, a constraint, a calculation, an appearance
— is named in the error with its row, never dropped silently.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.ledger import LedgerFileError, check_upload
from fuqing.fieldwork import skiplogic
from fuqing.fieldwork.models import QuestionKind
from fuqing.fieldwork.questionnaires import CODE, QuestionData

TYPES = {
    "integer": QuestionKind.NUMBER,
    "decimal": QuestionKind.NUMBER,
    "text": QuestionKind.TEXT,
    "date": QuestionKind.DATE,
}
SELECTS = {"select_one": QuestionKind.SINGLE, "select_multiple": QuestionKind.MULTIPLE}
TYPE_NAMES = {
    "begin group": "题组（begin group）",
    "end group": "题组（end group）",
    "begin repeat": "重复题组（begin repeat）",
    "end repeat": "重复题组（end repeat）",
    "note": "说明文字（note）",
    "calculate": "计算（calculate）",
}
SURVEY_COLUMNS = {"type", "name", "label", "hint", "required", "relevant"}
SETTINGS_COLUMNS = {"form_title", "form_id", "version", "default_language"}
CHOICE_COLUMNS = {"list_name", "list name", "name", "label"}
TRUE = {"yes", "true", "true()", "1", "是", "y"}
FALSE = {"no", "false", "false()", "0", "否", "n", ""}


class XLSFormError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def _sheet(workbook, name: str):
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() == name:
            return sheet
    return None


def _rows(sheet) -> tuple[list[str], list[tuple[int, dict]]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = [cells.text(h).lower() for h in header]
    result = []
    for number, row in enumerate(rows, start=2):
        values = {columns[i]: row[i] for i in range(min(len(columns), len(row))) if columns[i]}
        if any(v not in (None, "") for v in values.values()):
            result.append((number, values))
    return columns, result


def _base_column(column: str) -> str:
    return column.split("::", 1)[0].strip()


def _pick(values: dict, base: str) -> str:
    """The plain column, else a language variant (label::Chinese …), preferring Chinese."""
    if values.get(base) not in (None, ""):
        return cells.text(values[base])
    variants = sorted(
        (k for k in values if _base_column(k) == base and values[k] not in (None, "")),
        key=lambda k: not any(tag in k for tag in ("zh", "chinese", "中文")),
    )
    return cells.text(values[variants[0]]) if variants else ""


def read(path: str) -> tuple[str, list[QuestionData]]:
    """The form title and its questions; raises XLSFormError listing every unsupported feature."""
    import openpyxl

    try:
        check_upload(path)
    except LedgerFileError as exc:
        raise XLSFormError([str(exc)]) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise XLSFormError([_("文件无法读取，请确认是 XLSForm 格式的 .xlsx 文件。")]) from None
    try:
        return _read(workbook)
    finally:
        workbook.close()


def _read(workbook) -> tuple[str, list[QuestionData]]:
    problems: list[str] = []
    survey = _sheet(workbook, "survey")
    if survey is None:
        raise XLSFormError([_("找不到 survey 工作表（XLSForm 的题目表）。")])
    columns, rows = _rows(survey)
    for column in sorted({c for c in columns if c} - SURVEY_COLUMNS):
        if _base_column(column) in ("label", "hint"):
            continue
        used = [n for n, v in rows if v.get(column) not in (None, "")]
        if used:
            problems.append(
                _("survey 表不支持“%(c)s”列（第%(r)s行）。")
                % {"c": column, "r": "、".join(map(str, used[:5]))}
            )
    choices, choice_problems = _choices(workbook)
    problems.extend(choice_problems)
    questions: list[QuestionData] = []
    seen: set[str] = set()
    for number, values in rows:
        question = _question(number, values, choices, seen, questions, problems)
        if question is not None:
            questions.append(question)
            seen.add(question.code)
    if not questions and not problems:
        problems.append(_("survey 表中没有题目。"))
    title = _settings(workbook, problems)
    if problems:
        raise XLSFormError(problems)
    return title, questions


def _question(number, values, choices, seen, earlier, problems) -> QuestionData | None:
    where = _("survey 表第%(n)d行") % {"n": number}
    raw_type = cells.text(values.get("type")).strip()
    parts = raw_type.split()
    base = parts[0].lower() if parts else ""
    name = cells.text(values.get("name"))
    label = _pick(values, "label")
    if not raw_type:
        problems.append(_("%(w)s：缺少题型（type）。") % {"w": where})
        return None
    if base in SELECTS:
        if len(parts) != 2:
            problems.append(
                _("%(w)s：题型“%(t)s”格式不对（应为 select_one 选项表名）。") % {"w": where, "t": raw_type}
            )
            return None
        kind, list_name = SELECTS[base], parts[1]
        if list_name not in choices:
            problems.append(_("%(w)s：choices 表中没有选项表“%(l)s”。") % {"w": where, "l": list_name})
            return None
        options = choices[list_name]
    elif base in TYPES and len(parts) == 1:
        kind, options = TYPES[base], []
    else:
        label_for = TYPE_NAMES.get(raw_type.lower(), raw_type)
        problems.append(_("%(w)s：不支持题型“%(t)s”。") % {"w": where, "t": label_for})
        return None
    if not CODE.match(name):
        problems.append(
            _("%(w)s：题目名称（name）“%(n)s”应以字母开头，只含字母、数字和下划线。")
            % {"w": where, "n": name}
        )
        return None
    if name in seen:
        problems.append(_("%(w)s：题目名称“%(n)s”重复。") % {"w": where, "n": name})
        return None
    if not label:
        problems.append(_("%(w)s：缺少题目文字（label）。") % {"w": where})
        return None
    required_raw = cells.text(values.get("required")).lower()
    if required_raw not in TRUE | FALSE:
        problems.append(
            _("%(w)s：required 只支持 yes 或 no，不支持“%(v)s”。") % {"w": where, "v": required_raw}
        )
        return None
    relevant = cells.text(values.get("relevant"))
    try:
        condition = skiplogic.parse(relevant)
    except skiplogic.SkipLogicError as exc:
        problems.append(
            _("%(w)s：显示条件（relevant）“%(r)s”无法导入：%(e)s") % {"w": where, "r": relevant, "e": exc}
        )
        return None
    missing = skiplogic.references(condition) - {q.code for q in earlier}
    if missing:
        problems.append(
            _("%(w)s：显示条件引用了本题之前没有的题目 %(m)s。")
            % {"w": where, "m": "、".join(sorted(missing))}
        )
        return None
    return QuestionData(
        text=label[:500],
        kind=kind,
        code=name,
        required=required_raw in TRUE,
        choices=options,
        relevant=relevant,
        help=_pick(values, "hint")[:300],
    )


def _choices(workbook) -> tuple[dict[str, list[dict]], list[str]]:
    sheet = _sheet(workbook, "choices")
    if sheet is None:
        return {}, []
    problems = []
    columns, rows = _rows(sheet)
    for column in sorted({c for c in columns if c} - CHOICE_COLUMNS):
        if _base_column(column) == "label":
            continue
        used = [n for n, v in rows if v.get(column) not in (None, "")]
        if used:
            problems.append(
                _("choices 表不支持“%(c)s”列（第%(r)s行）。")
                % {"c": column, "r": "、".join(map(str, used[:5]))}
            )
    result: dict[str, list[dict]] = {}
    for number, values in rows:
        list_name = cells.text(values.get("list_name") or values.get("list name"))
        value = cells.text(values.get("name"))
        label = _pick(values, "label")
        if not list_name or not value or not label:
            problems.append(_("choices 表第%(n)d行：list_name、name、label 都要填写。") % {"n": number})
            continue
        options = result.setdefault(list_name, [])
        if any(o["value"] == value for o in options):
            problems.append(
                _("choices 表第%(n)d行：选项表“%(l)s”中的值“%(v)s”重复。")
                % {"n": number, "l": list_name, "v": value}
            )
            continue
        options.append({"value": value[:100], "label": label[:200]})
    return result, problems


def _settings(workbook, problems: list[str]) -> str:
    """The form title; identity columns (form_id, version, language) are fine, other settings are not."""
    sheet = _sheet(workbook, "settings")
    if sheet is None:
        return ""
    columns, rows = _rows(sheet)
    for column in sorted({c for c in columns if c} - SETTINGS_COLUMNS):
        if any(v.get(column) not in (None, "") for _n, v in rows):
            problems.append(_("settings 表不支持“%(c)s”设置。") % {"c": column})
    for _number, values in rows:
        title = cells.text(values.get("form_title"))
        if title:
            return title
    return ""
