"""Template filters for the numbers and dates Chinese readers expect (UI.md, PLT-2)."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()


@register.filter
def cndate(value):
    """2014年4月3日 in Chinese text; 3 Apr 2014 in English."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if (get_language() or "zh").startswith("en"):
        return f"{value.day} {value:%b} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def isodate(value):
    """2014-04-03 in tables and ledgers."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


@register.filter
def cnnum(value, unit=""):
    """Headline figures: 30000 → 3万, 50000000 → 5000万 (exact figures belong in tables)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if (get_language() or "zh").startswith("en"):
        return f"{number:,.0f}{(' ' + unit) if unit else ''}"
    if abs(number) >= 100000000:
        text = f"{(number / 100000000).normalize():f}亿"
    elif abs(number) >= 10000:
        text = f"{(number / 10000).quantize(Decimal('0.01')).normalize():f}万"
    else:
        text = f"{number.normalize():f}"
    return text + unit


@register.filter
def percent(value):
    """One decimal: 0.4567 → 45.7%."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def yearname(value):
    """A campaign year as readers write it: 2014年 in Chinese, 2014 in English."""
    if value is None or value == "":
        return ""
    if (get_language() or "zh").startswith("en"):
        return str(value)
    return f"{value}年"
