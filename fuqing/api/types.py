"""Bounded input types shared by every API schema (PLT-3, issue 10 point 9).

A value outside these bounds is refused by validation (422, the field named in Chinese) before any
query runs: no id or offset past what the database can hold, no amount with more digits than the
column, no count past a 32-bit integer, no date or year outside the campaign years the federation can
have. Use them for every id, offset, limit, count, amount, year and date an operation accepts.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

MAX_ID = 2**63 - 1  # a 64-bit primary key
MAX_OFFSET = 10**9  # far past any list the platform holds; offset + limit stays a 64-bit integer
MAX_COUNT = 2**31 - 1  # an integer column on every engine
FIRST_YEAR = 2000  # the campaign years the federation can have (the same range as the pages' year fields)
LAST_YEAR = 2100


def _in_campaign_years(value: datetime.date) -> datetime.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "date_outside_campaign_years",
            "date outside the campaign years {first}-{last}",
            {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID, description="对象编号")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="从第几条开始（0 起）")]
Limit = Annotated[int, Field(ge=1, le=1000, description="最多返回几条")]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description="年度（2000—2100）")]
Day = Annotated[datetime.date, AfterValidator(_in_campaign_years)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, description="金额（元）")]
Amount = Annotated[Decimal, Field(max_digits=16, decimal_places=4)]  # indicator targets and figures
Score = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Ratio = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]


def require_fields(payload, *names: str) -> None:
    """Fields a change needs, checked after the scope door (a body field the schema marked required
    would answer 422 before the object's 404): missing ones are refused as 422, each named."""
    missing = [name for name in names if getattr(payload, name, None) is None]
    if missing:
        raise ValidationError({name: _("必须填写。") for name in missing}, code="required")
