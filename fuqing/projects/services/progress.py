"""Monthly progress (PRJ-3): a unit reports the month's value of a reported indicator; a correction
is a new entry with its reason, and the entry it replaces stays in the history (who, when, why)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.orgs.models import Org
from fuqing.projects.models import Indicator, ProgressEntry, Source
from fuqing.projects.services.common import (
    amount,
    check_editor,
    plain,
    require_in_project_area,
    require_org,
)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def check_reportable(indicator: Indicator, org: Org, month: datetime.date | None) -> datetime.date:
    """The rules of one value, before any write: reported indicator, unit in the project's area, a month
    of the project's year that has begun."""
    if indicator.source != Source.REPORTED:
        raise ValidationError(
            {
                "indicator": _("“%(i)s”%(how)s，不需要也不能手工填报（避免重复录入）。")
                % {"i": indicator.name, "how": indicator.get_source_display()}
            },
            code="PRJ-3",
        )
    require_in_project_area(indicator.project, org)
    if month is None:
        raise ValidationError({"month": _("月份不能为空。")}, code="PRJ-3")
    month = first_of_month(month)
    year = indicator.project.year
    if month.year != year:
        raise ValidationError({"month": _("月份应在项目年度（%(y)d年）内。") % {"y": year}}, code="PRJ-3")
    if month > first_of_month(timezone.localdate()):
        raise ValidationError({"month": _("不能填报尚未到来的月份。")}, code="PRJ-3")
    return month


@dataclass
class Reported:
    entry: ProgressEntry
    corrected: ProgressEntry | None  # the entry this one replaced
    unchanged: bool = False


def _write(
    actor, indicator: Indicator, org: Org, month: datetime.date, value: Decimal, reason: str
) -> Reported:
    current = (
        ProgressEntry.objects.select_for_update()
        .filter(indicator=indicator, org=org, month=month, superseded_at__isnull=True)
        .first()
    )
    if current is not None and current.value == value:
        return Reported(entry=current, corrected=None, unchanged=True)
    if current is not None and not reason:
        raise ValidationError(
            {
                "reason": _("%(m)s已填报 %(v)s，更正数值须填写更正原因。")
                % {"m": f"{month:%Y-%m}", "v": plain(current.value)}
            },
            code="PRJ-3",
        )
    now = timezone.now()
    if current is not None:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    entry = ProgressEntry.objects.create(
        indicator=indicator,
        org=org,
        year=month.year,
        month=month,
        value=value,
        reason=reason,
        entered_by=actor,
    )
    if current is not None:
        current.superseded_by = entry
        current.save(update_fields=["superseded_by"])
    audit.record(
        AuditAction.UPDATE if current else AuditAction.CREATE,
        actor=actor,
        obj=entry,
        details={
            "indicator": indicator.pk,
            "month": f"{month:%Y-%m}",
            "value": value,
            "corrects": current.pk if current else None,
            "previous": current.value if current else None,
        },
    )
    return Reported(entry=entry, corrected=current)


@transaction.atomic
def report_progress(
    actor, *, indicator: Indicator, org: Org, month: datetime.date, value, reason: str = ""
) -> Reported:
    """Record one month's value of a reported indicator for one unit (PRJ-3). Reporting the same value
    again changes nothing; a different value needs a reason and keeps the old entry in the history."""
    check_editor(actor)
    require_org(actor, org)
    month = check_reportable(indicator, org, month)
    number = amount(value, "value", _("本月完成数"), required=True)
    return _write(actor, indicator, org, month, number, (reason or "").strip()[:200])


@transaction.atomic
def report_month(actor, *, org: Org, month: datetime.date, rows: list[dict]) -> list[Reported]:
    """The monthly form: several indicators at once, all or nothing. ``rows``: dicts of indicator,
    value (blank: not reported this time) and reason. Errors name the indicator."""
    check_editor(actor)
    require_org(actor, org)
    errors: dict[str, list[str]] = {}
    checked = []
    for row in rows:
        indicator = row["indicator"]
        if row.get("value") in (None, ""):
            continue
        try:
            when = check_reportable(indicator, org, month)
            number = amount(row["value"], "value", _("本月完成数"), required=True)
            checked.append((indicator, when, number, (row.get("reason") or "").strip()[:200]))
        except ValidationError as exc:
            errors[f"indicator_{indicator.pk}"] = [
                _("%(label)s：%(value)s") % {"label": indicator.name, "value": m} for m in exc.messages
            ]
    if errors:
        raise ValidationError(errors, code="PRJ-3")
    results = []
    for indicator, when, number, reason in checked:
        try:
            results.append(_write(actor, indicator, org, when, number, reason))
        except ValidationError as exc:
            errors[f"indicator_{indicator.pk}"] = [
                _("%(label)s：%(value)s") % {"label": indicator.name, "value": m} for m in exc.messages
            ]
    if errors:
        raise ValidationError(errors, code="PRJ-3")
    return results


def history(indicator: Indicator, org: Org, month: datetime.date | None = None):
    """Every entry of a unit's indicator (current and corrected), newest first."""
    qs = ProgressEntry.objects.filter(indicator=indicator, org=org).select_related("entered_by")
    if month is not None:
        qs = qs.filter(month=first_of_month(month))
    return qs.order_by("-month", "-entered_at", "-id")
