"""Importing a questionnaire from an XLSForm (FLD-6), read by ``pyxform`` — ODK's own converter — so the
rules and messages are those KoBo/ODK users know.

What maps onto the questionnaire model: integer/decimal, text/string (also ``phone number``), date,
select_one / select_multiple (also ``select one from``, ``select all that apply``, ``or_other``,
``choice_filter`` for cascading choices), ``note``, ``calculate``, ``image``/``photo`` and ``geopoint``;
groups (also ``field-list``) and repeats (one level); the columns ``constraint``/``constraint_message``,
``required``/``required_message``, ``relevant``, ``hint``, ``calculation``, ``default``, ``appearance``
(display-only, kept and otherwise ignored); labels, hints and messages in several languages
(``label::English (en)``). The metadata rows ``start``, ``end``, ``today``, ``deviceid``, ``username`` are
recorded by the platform itself (答卷时间、填写人) and are skipped. Every other type is refused with its row
and type named — nothing is dropped silently.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.ledger import LedgerFileError, check_upload
from fuqing.fieldwork import skiplogic
from fuqing.fieldwork.models import QuestionKind, localized
from fuqing.fieldwork.questionnaires import CODE, QuestionData

KINDS = {
    "integer": QuestionKind.NUMBER,
    "decimal": QuestionKind.NUMBER,
    "text": QuestionKind.TEXT,
    "string": QuestionKind.TEXT,
    "phone number": QuestionKind.TEXT,
    "date": QuestionKind.DATE,
    "select one": QuestionKind.SINGLE,
    "select all that apply": QuestionKind.MULTIPLE,
    "note": QuestionKind.NOTE,
    "calculate": QuestionKind.CALCULATE,
    "photo": QuestionKind.IMAGE,
    "image": QuestionKind.IMAGE,
    "geopoint": QuestionKind.GEOPOINT,
}
PLAIN_TYPES = {
    "integer",
    "int",
    "decimal",
    "text",
    "string",
    "date",
    "note",
    "calculate",
    "image",
    "photo",
    "geopoint",
    "phone number",
    "begin group",
    "end group",
    "begin repeat",
    "end repeat",
}
METADATA = {"start", "end", "today", "deviceid", "username"}
SELECT = re.compile(
    r"^(select one from|select one|select multiple|select all that apply)\s+\S+(\s+or other)?$"
)
UNSUPPORTED_SELECT = re.compile(r"external|from file")
ROW = re.compile(r"\[row\s*:\s*(\d+)\]\s*")


class XLSFormError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def _languages(value) -> dict[str, str]:
    """pyxform gives a label as text (one language) or {language: text}."""
    if value in (None, ""):
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v not in (None, "")}
    return {"default": str(value)}


def _main(labels: dict[str, str]) -> str:
    """The label stored as the question's text: Chinese first, then the default, then any."""

    return localized(labels, "zh-hans")


def read(path: str) -> tuple[str, list[QuestionData]]:
    """The form title and its questions; raises XLSFormError listing every problem."""
    try:
        check_upload(path)
    except LedgerFileError as exc:
        raise XLSFormError([str(exc)]) from None
    rows, problems = _scan(path)
    if problems:
        raise XLSFormError(problems)
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    try:
        form = parse_file_to_json(path, warnings=[])
    except PyXFormError as exc:
        raise XLSFormError([_pyxform_message(str(exc))]) from None
    except Exception:  # a damaged workbook raises many kinds inside the readers
        raise XLSFormError([_("文件无法读取，请确认是 XLSForm 格式的 .xlsx 文件。")]) from None
    mapper = _Mapper(rows)
    mapper.walk(form.get("children", []), groups=[], repeat=None, relevant="")
    mapper.check_references()
    if not mapper.questions and not mapper.problems:
        mapper.problems.append(_("survey 表中没有题目。"))
    if mapper.problems:
        raise XLSFormError(mapper.problems)
    title = str(form.get("title") or "")
    if title == str(form.get("id_string") or ""):
        title = ""  # pyxform falls back to the file name
    return title, mapper.questions


def _pyxform_message(detail: str) -> str:
    match = ROW.search(detail)
    if match:
        detail = ROW.sub("", detail, count=1)
        return _("XLSForm 有误（survey 表第%(n)s行）：%(d)s") % {"n": match.group(1), "d": detail}
    return _("XLSForm 有误：%(d)s") % {"d": detail}


def _scan(path: str) -> tuple[dict[str, int], list[str]]:
    """Row numbers by question name, and the rows whose type the platform does not support."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise XLSFormError([_("文件无法读取，请确认是 XLSForm 格式的 .xlsx 文件。")]) from None
    try:
        survey = next((s for s in workbook.worksheets if s.title.strip().lower() == "survey"), None)
        if survey is None:
            raise XLSFormError([_("找不到 survey 工作表（XLSForm 的题目表）。")])
        lines = survey.iter_rows(values_only=True)
        header = [cells.text(h).strip().lower() for h in (next(lines, None) or ())]
        rows: dict[str, int] = {}
        problems: list[str] = []
        if "type" not in header:
            raise XLSFormError([_("survey 表缺少 type 列。")])
        type_col = header.index("type")
        name_col = header.index("name") if "name" in header else None
        for number, line in enumerate(lines, start=2):
            raw = cells.text(line[type_col] if type_col < len(line) else "").strip()
            name = cells.text(line[name_col]) if name_col is not None and name_col < len(line) else ""
            if name:
                rows.setdefault(name, number)
            if not raw:
                continue
            kind = " ".join(raw.lower().replace("_", " ").split())
            supported = kind in PLAIN_TYPES or kind in METADATA
            if not supported and SELECT.match(kind) and not UNSUPPORTED_SELECT.search(kind):
                supported = True
            if not supported:
                problems.append(
                    _("survey 表第%(n)d行：不支持题型“%(t)s”（题目 %(q)s），请改用其他题型或删除这一行。")
                    % {"n": number, "t": raw, "q": name or "—"}
                )
        return rows, problems
    finally:
        workbook.close()


class _Mapper:
    def __init__(self, rows: dict[str, int]):
        self.rows = rows
        self.questions: list[QuestionData] = []
        self.problems: list[str] = []

    def where(self, name: str) -> str:
        if name in self.rows:
            return _("survey 表第%(n)d行") % {"n": self.rows[name]}
        return _("题目 %(q)s") % {"q": name}

    def walk(self, children, *, groups: list[dict], repeat: dict | None, relevant: str) -> None:
        for child in children:
            kind = child.get("type", "")
            name = str(child.get("name", ""))
            bind = child.get("bind") or {}
            if kind in ("group", "repeat"):
                if name == "meta" and (child.get("control") or {}).get("bodyless"):
                    continue  # pyxform's instanceID: the platform's response id
                own = str(bind.get("relevant") or "")
                combined = " and ".join(f"({r})" for r in (relevant, own) if r)
                entry = {
                    "name": name,
                    "labels": _languages(child.get("label")),
                    "appearance": (child.get("control") or {}).get("appearance", ""),
                }
                if kind == "repeat":
                    if repeat is not None:
                        self.problems.append(
                            _("%(w)s：重复题组“%(g)s”嵌套在另一个重复题组中，暂不支持。")
                            % {"w": self.where(name), "g": name}
                        )
                        continue
                    self.walk(
                        child.get("children", []), groups=[*groups, entry], repeat=entry, relevant=combined
                    )
                else:
                    self.walk(
                        child.get("children", []), groups=[*groups, entry], repeat=repeat, relevant=combined
                    )
                continue
            if kind in METADATA:
                continue
            if kind not in KINDS:
                self.problems.append(
                    _("%(w)s：不支持题型“%(t)s”（题目 %(q)s）。")
                    % {"w": self.where(name), "t": kind, "q": name}
                )
                continue
            question = self.question(child, KINDS[kind], groups, repeat, relevant)
            if question is not None:
                self.questions.append(question)

    def question(self, child, kind, groups, repeat, group_relevant) -> QuestionData | None:
        name = str(child.get("name", ""))
        where = self.where(name)
        bind = child.get("bind") or {}
        if not CODE.match(name):
            self.problems.append(
                _("%(w)s：题目名称（name）“%(n)s”应以字母开头，只含字母、数字和下划线，最长 40 位。")
                % {"w": where, "n": name}
            )
            return None
        labels = _languages(child.get("label"))
        if labels == {"default": "Specify other."}:  # pyxform's or_other question
            labels = {"zh": "请注明其他", "en": "Specify other"}
        hints = _languages(child.get("hint"))
        text = _main(labels) or (name if kind == QuestionKind.CALCULATE else "")
        if not text:
            self.problems.append(_("%(w)s：缺少题目文字（label）。") % {"w": where})
            return None
        required = str(bind.get("required") or "").strip().lower() in ("yes", "true", "true()", "1")
        own_relevant = str(bind.get("relevant") or "")
        relevant = " and ".join(f"({r})" for r in (group_relevant, own_relevant) if r)
        if relevant and not (group_relevant and own_relevant):
            relevant = group_relevant or own_relevant
        extra: dict = {}
        if len(labels) > 1:
            extra["labels"] = labels
        if len(hints) > 1:
            extra["hints"] = hints
        for column, key, tree_key in (
            ("constraint", "constraint", "constraint_tree"),
            ("calculate", "calculation", "calc_tree"),
        ):
            source = str(bind.get(column) or "").strip()
            if not source:
                continue
            try:
                extra[tree_key] = skiplogic.parse_expr(source)
            except skiplogic.SkipLogicError as exc:
                self.problems.append(
                    _("%(w)s：%(c)s“%(s)s”无法导入：%(e)s") % {"w": where, "c": column, "s": source, "e": exc}
                )
                return None
            extra[key] = source
        for column, key in (
            ("jr:constraintMsg", "constraint_message"),
            ("jr:requiredMsg", "required_message"),
        ):
            messages = _languages(bind.get(column))
            if messages:
                extra[key] = messages
        if child.get("default") not in (None, ""):
            extra["default"] = str(child["default"])
        appearance = (child.get("control") or {}).get("appearance", "")
        if appearance:
            extra["appearance"] = appearance
        if groups:
            extra["groups"] = groups
        if repeat is not None:
            extra["repeat"] = repeat["name"]
        choices = []
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            for choice in child.get("choices") or []:
                choice_labels = _languages(choice.get("label"))
                if choice.get("name") == "other" and set(choice_labels.values()) == {"Other"}:
                    choice_labels = {"zh": "其他", "en": "Other"}  # pyxform's or_other choice
                option = {"value": str(choice.get("name", ""))[:100], "label": _main(choice_labels)[:200]}
                if len(choice_labels) > 1:
                    option["labels"] = choice_labels
                attrs = {
                    k: str(v)
                    for k, v in choice.items()
                    if k not in ("name", "label", "media") and v is not None
                }
                if attrs:
                    option["attrs"] = attrs
                choices.append(option)
            source = str(child.get("choice_filter") or "").strip()
            if source:
                try:
                    extra["filter_tree"] = skiplogic.parse_expr(source)
                except skiplogic.SkipLogicError as exc:
                    self.problems.append(
                        _("%(w)s：choice_filter“%(s)s”无法导入：%(e)s") % {"w": where, "s": source, "e": exc}
                    )
                    return None
                extra["choice_filter"] = source
        return QuestionData(
            text=text[:500],
            kind=kind,
            code=name,
            required=required and kind not in (QuestionKind.NOTE, QuestionKind.CALCULATE),
            choices=choices,
            relevant=relevant,
            help=_main(hints)[:300],
            extra=extra,
        )

    def check_references(self) -> None:
        codes = {q.code for q in self.questions}
        for question in self.questions:
            used = set()
            for key in ("constraint_tree", "calc_tree", "filter_tree"):
                used |= skiplogic.expr_references(question.extra.get(key))
            missing = sorted(used - codes)
            if missing:
                self.problems.append(
                    _("%(w)s：表达式引用了问卷中没有的题目 %(m)s。")
                    % {"w": self.where(question.code), "m": "、".join(missing)}
                )
