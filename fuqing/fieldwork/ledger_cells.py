"""Reading the cells and names of field-work ledgers: method spellings, lists of names, group counts,
and units, places and cadres resolved in bulk within the importing user's scope."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.ledger import ParsedRow, RowError
from fuqing.fieldwork.models import VisitMethod

METHOD_ALIASES = {
    "访谈": VisitMethod.INTERVIEW,
    "一对一": VisitMethod.INTERVIEW,
    "个别访谈": VisitMethod.INTERVIEW,
    "座谈": VisitMethod.FORUM,
    "座谈会": VisitMethod.FORUM,
    "问卷": VisitMethod.QUESTIONNAIRE,
    "入户": VisitMethod.HOME_VISIT,
    "走访": VisitMethod.HOME_VISIT,
    "入户调查": VisitMethod.HOME_VISIT,
    "蹲点": VisitMethod.STATIONED,
    "蹲点调查": VisitMethod.STATIONED,
}
_SPLIT = re.compile(r"[、，,；;/\s]+")
_GROUP_COUNT = re.compile(r"([^\d、，,；;：:\s]+?)\s*[:：]?\s*(\d+)\s*人?")


def parse_method(value) -> str:
    raw = cells.text(value).replace(" ", "")
    if not raw:
        return ""
    if raw in METHOD_ALIASES:
        return METHOD_ALIASES[raw]
    return cells.choice(raw, VisitMethod.choices)


def parse_names(value) -> list[str]:
    return [n for n in _SPLIT.split(cells.text(value)) if n]


def parse_group_counts(value) -> dict[str, int]:
    """'留守妇女3、失地妇女：2人' → {'留守妇女': 3, '失地妇女': 2}."""
    raw = cells.text(value)
    if not raw:
        return {}
    found = {name: int(n) for name, n in _GROUP_COUNT.findall(raw)}
    if not found:
        raise CellError(_("应写成“群体名称+人数”，如“留守妇女3、失地妇女2”。"))
    return found


def parse_needs(value) -> str:
    return "\n".join(
        p.strip() for p in re.split(r"[\n；;]+", cells.text(value).replace("\r", "\n")) if p.strip()
    )


def text_cell(limit: int):
    return lambda v: cells.text(v, limit)


def map_errors(row: ParsedRow, exc: ValidationError, headers: dict[str, str]) -> None:
    for field, messages in exc.message_dict.items():
        for message in messages:
            row.errors.append(RowError(row.number, headers.get(field, ""), message))
