"""Reading the messy cells of real ledgers: full-width digits, stray spaces, many date spellings."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


class CellError(ValueError):
    """A cell that cannot be read; the message is a Chinese sentence naming the rule."""


_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_SPACES = re.compile(r"\s+")


def to_halfwidth(value: str) -> str:
    return value.translate(_FULLWIDTH)


def text(value, max_length: int | None = None) -> str:
    """A text cell: half-width digits and letters, spaces collapsed and trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = _SPACES.sub(" ", to_halfwidth(str(value))).strip()
    if max_length and len(result) > max_length:
        raise CellError(_("不能超过 %(n)d 个字符。") % {"n": max_length})
    return result


def compact(value) -> str:
    """Codes and numbers: every space removed."""
    return text(value).replace(" ", "")


def integer(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("应为整数。"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("应为整数。"))
    raw = compact(value).replace(",", "")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise CellError(_("应为整数。")) from None


def decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = compact(value).replace(",", "").removesuffix("元")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise CellError(_("应为数字。")) from None


_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
# A date followed by a time of day, as exports from other systems write it: "2014-04-15 08:30:00".
_DATE_TIME = re.compile(
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?[T\s]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$"
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def date(value) -> datetime.date | None:
    """2014-4-15, 2014.4.15, 2014/04/15, 2014年4月15日, 20140415, Excel date cells and serial numbers."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("不是有效的日期。"))
    raw = compact(value)
    if not raw:
        return None
    match = _DATE.match(raw) or _DATE_TIME.match(text(value))
    if not match and re.fullmatch(r"\d{8}", raw):
        match = re.match(r"(\d{4})(\d{2})(\d{2})", raw)
    if not match:
        raise CellError(_("日期格式无法识别，请写成 2014-04-15 或 2014年4月15日。"))
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError(_("不是有效的日期。")) from None


_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", ""}


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    raw = compact(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("应填“是”或“否”。"))


def choice(value, choices) -> str:
    """A choice by its Chinese label or its code; ``choices`` is a Django choices list."""
    raw = text(value)
    if not raw:
        return ""
    for code, label in choices:
        if raw == str(label) or raw == code:
            return code
    labels = "、".join(str(label) for _code, label in choices)
    raise CellError(_("应为以下之一：%(labels)s。") % {"labels": labels})


def neutralise(value):
    """SEC-10: a text cell starting with = + - @ (or a control character) is prefixed with ' on export."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
