"""Months as readers of the active language write them: 4月 / April, 2014年8月 / Aug 2014 (PLT-2)."""

from __future__ import annotations

import datetime

from django import template
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.translation import get_language

register = template.Library()


def _english() -> bool:
    return (get_language() or "zh").startswith("en")


@register.filter
def monthname(value):
    """A month number: 4 → 4月 in Chinese, April in English."""
    if value in (None, ""):
        return ""
    month = int(value)
    if _english():
        return str(MONTHS[month])
    return f"{month}月"


@register.filter
def yearmonth(value):
    """A month as a date: 2014年8月 in Chinese, Aug 2014 in English."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:7] + "-01")
    if _english():
        return f"{MONTHS_3[value.month].capitalize()} {value.year}"
    return f"{value.year}年{value.month}月"
