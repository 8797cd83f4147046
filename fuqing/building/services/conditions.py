"""Conditions of women's work per unit and year (BLD-6, notice (三)1)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.building.models import WorkCondition
from fuqing.building.services.common import federation_unit, record, require_edit
from fuqing.core.models import AuditAction


def clean_condition(data: dict) -> dict:
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度应为四位年份。")}, code="BLD-6")
    funding = data.get("funding") or Decimal(0)
    if Decimal(funding) < 0 or Decimal(funding) >= Decimal("1e12"):
        raise ValidationError({"funding": _("工作经费应为不小于 0 的金额。")}, code="BLD-6")
    counts = {}
    for key, label in (
        ("venue_area", _("场所面积")),
        ("full_time_staff", _("专职工作人员")),
        ("part_time_staff", _("兼职工作人员")),
    ):
        value = data.get(key) or 0
        if not isinstance(value, int) or not 0 <= value <= 100000:
            raise ValidationError({key: _("%(label)s应为不小于 0 的整数。") % {"label": label}}, code="BLD-6")
        counts[key] = value
    return {
        "year": year,
        "funding": Decimal(funding),
        "funding_in_budget": bool(data.get("funding_in_budget")),
        "venue": (data.get("venue") or "").strip()[:200],
        "note": (data.get("note") or "").strip()[:200],
        **counts,
    }


@transaction.atomic
def save_condition(actor, org, **data) -> WorkCondition:
    """The unit's conditions for a year: one row per unit and year, replaced when saved again (BLD-6)."""
    require_edit(actor, org)
    federation_unit(org, "org", "BLD-6")
    fields = clean_condition(data)
    condition, created = WorkCondition.objects.update_or_create(
        org=org, year=fields.pop("year"), defaults={**fields, "updated_by": actor}
    )
    record(AuditAction.CREATE if created else AuditAction.UPDATE, actor, condition, year=condition.year)
    return condition
