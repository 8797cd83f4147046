"""Figures of projects as tables show them: exact numbers with thousands separators, status colours."""

from decimal import Decimal

from django import template

from fuqing.projects.services.common import plain

register = template.Library()

STATUS_CLASSES = {
    "completed": "text-bg-success",
    "on_track": "text-bg-success",
    "behind": "text-bg-warning",
    "at_risk": "text-bg-danger",
    "missed": "text-bg-danger",
    "no_target": "text-bg-light border",
}


@register.filter
def qty(value):
    """30000.00 → 30,000; 12.50 → 12.5; None → —."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number.normalize():,f}"


@register.filter
def status_badge(status):
    return STATUS_CLASSES.get(status, "text-bg-light border")


@register.filter
def bar_width(rate):
    """A completion rate as a bar width in percent (0 … 100)."""
    if rate is None:
        return 0
    return max(0, min(100, round(float(rate) * 100, 1)))


@register.filter
def signed(value):
    if value is None:
        return ""
    number = Decimal(str(value))
    return ("+" if number > 0 else "") + qty(number)


@register.filter
def can_edit_projects(user):
    return user.has_module_perm("projects", "edit")


@register.filter
def can_export_projects(user):
    return user.has_module_perm("projects", "export")


@register.filter(name="plain")
def plain_filter(value):
    return plain(value)
