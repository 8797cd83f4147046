"""ID numbers (GB 11643) and phone numbers as real ledgers write them (REG-1).

Both functions take the messy value a cadre typed or a ledger held (full-width digits, spaces, a
lowercase x, dashes) and return the normal form, or raise ``CellError`` with a Chinese sentence naming
the rule. ``CellError`` is a ``ValueError``, so forms, services and the ledger engine all catch it.
"""

from __future__ import annotations

import datetime
import operator
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from fuqing.core.cells import CellError, to_halfwidth

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_OLD_SHAPE = re.compile(r"^\d{15}$")


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


@dataclass(frozen=True)
class IdNumber:
    value: str  # 18 characters, upper-case X
    birth_date: datetime.date
    male: bool  # the 17th digit is odd

    @property
    def region(self) -> str:
        return self.value[:6]


_ID_NOISE = re.compile(r"[\s\-]")
_PHONE_NOISE = re.compile(r"[\s\-()（）]")
_NAME_SPACES = re.compile(r"\s+")


def _clean(value) -> str:
    raw = to_halfwidth(str(value or ""))
    return _ID_NOISE.sub("", raw).upper()


def parse_id_number(value, today: datetime.date | None = None) -> IdNumber:
    """GB 11643: 17 digits, a check character from the weighted sum mod 11, a real birth date.

    A 15-digit number of the first generation is upgraded to 18 digits (century 19, check computed).
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 10**15:
        # Excel keeps 15 significant digits: the last ones of an 18-digit number are gone.
        raise CellError(_("身份证号被存成了数字，末几位已丢失；请把该列设为“文本”后重新填写。"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = _clean(value)
    if _OLD_SHAPE.match(raw):
        body = raw[:6] + "19" + raw[6:]
        raw = body + check_char(body)
    if len(raw) != 18:
        raise CellError(_("身份证号应为 18 位（GB 11643），现为 %(n)d 位。") % {"n": len(raw)})
    if not _ID_SHAPE.match(raw):
        raise CellError(_("身份证号前 17 位应为数字，最后一位为数字或 X。"))
    if raw[0] == "0":
        raise CellError(_("身份证号前 6 位应为行政区划代码，不能以 0 开头。"))
    try:
        birth = datetime.date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        raise CellError(_("身份证号中的出生日期 %(d)s 不是有效日期。") % {"d": raw[6:14]}) from None
    today = today or datetime.date.today()
    if birth.year < 1900 or birth > today:
        raise CellError(_("身份证号中的出生日期 %(d)s 不合理。") % {"d": raw[6:14]})
    if check_char(raw[:17]) != raw[17]:
        raise CellError(_("身份证号校验位不符（GB 11643），请核对是否抄错。"))
    return IdNumber(value=raw, birth_date=birth, male=int(raw[16]) % 2 == 1)


def make_id_number(region: str, birth: datetime.date, sequence: int, female: bool = True) -> str:
    """A valid number for demo and synthetic data: sequence 0–499, the 17th digit even for a woman."""
    seq = sequence % 500 * 2 + (0 if female else 1)
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def age_on(birth: datetime.date | None, day: datetime.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LOCAL = re.compile(r"^[2-9]\d{6,7}$")


def parse_phone(value) -> str:
    """A mobile number (1[3-9] and nine digits) or a landline: 0451-86661234 (area code and 7–8
    digits) or a local 7–8 digit number. Returns '' for an empty cell.

    Accepts +86/0086 prefixes, spaces, dashes and brackets; returns 13812345678 or 0451-86661234.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = to_halfwidth(str(value or "")).strip()
    if not raw:
        return ""
    digits = _PHONE_NOISE.sub("", raw)
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        raise CellError(_("联系电话只能包含数字（可带区号和短横线）。"))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.match(digits):
        return digits
    if digits.startswith("0"):
        area_len = 3 if digits[:3] == "010" or digits[:2] == "02" else 4
        area, local = digits[:area_len], digits[area_len:]
        if _LOCAL.match(local):
            return f"{area}-{local}"
    elif _LOCAL.match(digits):
        return digits
    raise CellError(_("联系电话应为 11 位手机号（1 开头，第二位 3–9）或固定电话（如 0451-86661234）。"))


def normalise_name(value) -> str:
    """Names: half-width, no inner spaces (张 丽 → 张丽); a middle dot stays (阿依·古丽)."""
    raw = to_halfwidth(str(value or ""))
    return _NAME_SPACES.sub("", raw).replace("•", "·").replace(".", "·").strip()
