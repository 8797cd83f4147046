"""Campaign rules (CAM-1): the calendar, the next deadlines, and next year's campaign in one step."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.campaigns.models import Campaign, Deadline
from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require_admin
from fuqing.core.scoping import ensure_editable

# The calendar of the 2014 notice; a new federation starts from it and edits.
DEFAULT_DEADLINES = [
    {
        "code": "survey-summary",
        "name": "调研月活动总结",
        "month_day": (5, 10),
        "description": "妇女需求调研月活动总结报市妇联研究室",
        "owed_by_kinds": ["district", "department"],
    },
    {
        "code": "annual-summary",
        "name": "全年活动总结及优秀调研报告",
        "month_day": (8, 30),
        "description": "全年活动总结和优秀调研报告报市妇联研究室",
        "owed_by_kinds": ["district", "department"],
    },
    {
        "code": "province-recommendation",
        "name": "推荐参加省妇联评选",
        "month_day": (9, 30),
        "description": "市妇联推荐优秀调研成果参加9月份省妇联评选",
        "owed_by_kinds": ["city"],
    },
]


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def create_campaign(
    actor,
    *,
    org,
    year: int,
    name: str = "下基层、访妇情、办实事",
    theme: str = "下基层 访妇情 办实事",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    survey_month: int = 4,
    deadlines: list[dict] | None = None,
) -> Campaign:
    """Create a campaign with its calendar (CAM-1). ``actor`` None: the demo loader or synth."""
    if actor is not None:
        require_admin(actor, "manage_campaigns")
        ensure_editable(actor, org)
    if Campaign.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": _("%(year)d年的活动已经存在。") % {"year": year}}, code="CAM-1")
    campaign = Campaign(
        org=org,
        year=year,
        name=name,
        theme=theme,
        starts_on=starts_on or datetime.date(year, 4, 1),
        ends_on=ends_on or datetime.date(year, 8, 31),
        survey_month=survey_month,
    )
    campaign.full_clean()
    campaign.save()
    for spec in deadlines if deadlines is not None else DEFAULT_DEADLINES:
        month, day = spec["month_day"]
        Deadline.objects.create(
            campaign=campaign,
            code=spec["code"],
            name=spec["name"],
            due_on=datetime.date(year, month, day),
            description=spec.get("description", ""),
            owed_by_kinds=spec.get("owed_by_kinds", []),
            remind_days_before=spec.get("remind_days_before", 7),
        )
    audit.record(AuditAction.CREATE, actor=actor, obj=campaign, details={"year": year})
    return campaign


@transaction.atomic
def copy_to_next_year(actor, campaign: Campaign) -> Campaign:
    """Next year's campaign from this one in one step (CAM-1): same theme, calendar shifted a year."""
    require_admin(actor, "manage_campaigns")
    ensure_editable(actor, campaign)
    year = campaign.year + 1
    if Campaign.objects.filter(org=campaign.org, year=year).exists():
        raise ValidationError({"year": _("%(year)d年的活动已经存在。") % {"year": year}}, code="CAM-1")
    new = Campaign.objects.create(
        org=campaign.org,
        year=year,
        name=campaign.name,
        theme=campaign.theme,
        starts_on=_shift_year(campaign.starts_on, 1),
        ends_on=_shift_year(campaign.ends_on, 1),
        survey_month=campaign.survey_month,
        notes=campaign.notes,
    )
    Deadline.objects.bulk_create(
        Deadline(
            campaign=new,
            code=d.code,
            name=d.name,
            due_on=_shift_year(d.due_on, 1),
            description=d.description,
            owed_by_kinds=d.owed_by_kinds,
            remind_days_before=d.remind_days_before,
        )
        for d in campaign.deadlines.all()
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=new, details={"copied_from": campaign.pk})
    return new


def campaign_for(user, year: int | None) -> Campaign | None:
    """The campaign of ``year`` the user sees (her nearest federation's), else the latest."""
    qs = Campaign.objects.visible_to(user).select_related("org").order_by("-year", "-org__depth")
    if year:
        found = qs.filter(year=year).first()
        if found:
            return found
    return qs.first()


def years_for(user) -> list[int]:
    return sorted(set(Campaign.objects.visible_to(user).values_list("year", flat=True)), reverse=True)


def next_deadlines(campaign: Campaign | None, today: datetime.date, limit: int = 3) -> list[Deadline]:
    if campaign is None:
        return []
    return list(campaign.deadlines.filter(due_on__gte=today).order_by("due_on")[:limit])


def _changes(form) -> dict:
    return {name: str(form.cleaned_data.get(name)) for name in form.changed_data}


@transaction.atomic
def update_campaign(actor, campaign: Campaign, form) -> Campaign:
    """Save an edited campaign (the form has validated it, model clean included)."""
    require_admin(actor, "manage_campaigns")
    ensure_editable(actor, campaign)
    if (
        Campaign.objects.filter(org=campaign.org, year=form.cleaned_data["year"])
        .exclude(pk=campaign.pk)
        .exists()
    ):
        raise ValidationError(
            {"year": _("%(year)d年的活动已经存在。") % {"year": form.cleaned_data["year"]}}, code="CAM-1"
        )
    form.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=campaign, details={"changed": _changes(form)})
    return campaign


@transaction.atomic
def update_deadline(actor, deadline: Deadline, form) -> Deadline:
    require_admin(actor, "manage_campaigns")
    ensure_editable(actor, deadline.campaign)
    if (
        Deadline.objects.filter(campaign=deadline.campaign, code=form.cleaned_data["code"])
        .exclude(pk=deadline.pk)
        .exists()
    ):
        raise ValidationError(
            {"code": _("该活动已有代码为“%(c)s”的截止日期。") % {"c": form.cleaned_data["code"]}},
            code="CAM-1",
        )
    creating = deadline.pk is None
    form.save()
    audit.record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor,
        obj=form.instance,
        details={"changed": _changes(form)},
    )
    return form.instance
