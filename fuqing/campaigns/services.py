"""Campaign rules (CAM-1, CAM-2): the calendar, who owes each deadline, the next deadlines, and next
year's campaign in one step."""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.campaigns.errors import invalid
from fuqing.campaigns.models import Campaign, Deadline, DeadlineKind, Obligation
from fuqing.core import audit
from fuqing.core.ledger_kit import UnitResolver
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require_admin
from fuqing.core.scoping import ensure_editable, subtree_q
from fuqing.orgs.models import Org, OrgKind

# The calendar of the 2014 notice; a new federation starts from it and edits.
DEFAULT_DEADLINES = [
    {
        "code": "survey-summary",
        "name": "调研月活动总结",
        "month_day": (5, 10),
        "description": "妇女需求调研月活动总结报市妇联研究室",
        "owed_by_kinds": ["district", "department"],
        "kind": DeadlineKind.SURVEY_SUMMARY,
    },
    {
        "code": "annual-summary",
        "name": "全年活动总结及优秀调研报告",
        "month_day": (8, 30),
        "description": "全年活动总结和优秀调研报告报市妇联研究室",
        "owed_by_kinds": ["district", "department"],
        "kind": DeadlineKind.ANNUAL_SUMMARY,
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
        raise invalid({"year": _("%(year)d年的活动已经存在。") % {"year": year}}, "CAM-1")
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
        deadline = Deadline.objects.create(
            campaign=campaign,
            code=spec["code"],
            name=spec["name"],
            due_on=datetime.date(year, month, day),
            description=spec.get("description", ""),
            owed_by_kinds=spec.get("owed_by_kinds", []),
            remind_days_before=spec.get("remind_days_before", 7),
            kind=spec.get("kind", DeadlineKind.DOCUMENT),
        )
        sync_obligations(deadline)
    audit.record(AuditAction.CREATE, actor=actor, obj=campaign, details={"year": year})
    return campaign


@transaction.atomic
def copy_to_next_year(actor, campaign: Campaign) -> Campaign:
    """Next year's campaign from this one in one step (CAM-1): same theme, calendar shifted a year."""
    require_admin(actor, "manage_campaigns")
    ensure_editable(actor, campaign)
    year = campaign.year + 1
    if Campaign.objects.filter(org=campaign.org, year=year).exists():
        raise invalid({"year": _("%(year)d年的活动已经存在。") % {"year": year}}, "CAM-1")
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
    for d in campaign.deadlines.prefetch_related("owed_by_orgs"):
        deadline = Deadline.objects.create(
            campaign=new,
            code=d.code,
            name=d.name,
            due_on=_shift_year(d.due_on, 1),
            description=d.description,
            owed_by_kinds=d.owed_by_kinds,
            remind_days_before=d.remind_days_before,
            kind=d.kind,
        )
        deadline.owed_by_orgs.set([o for o in d.owed_by_orgs.all() if o.is_active])
        sync_obligations(deadline)
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


CAMPAIGN_FIELDS = ("year", "name", "theme", "starts_on", "ends_on", "survey_month", "notes")


def update_campaign(actor, campaign: Campaign, form) -> Campaign:
    """Save an edited campaign from its page's form."""
    fields = {name: form.cleaned_data[name] for name in CAMPAIGN_FIELDS if name in form.cleaned_data}
    return change_campaign(actor, campaign, changed=_changes(form), **fields)


@transaction.atomic
def change_campaign(actor, campaign: Campaign, *, changed: dict | None = None, **fields) -> Campaign:
    """Change a campaign's year, name, theme, dates, survey month or notes (CAM-1): the organiser's
    system administrator; one campaign per federation and year; the dates inside the year."""
    require_admin(actor, "manage_campaigns")
    ensure_editable(actor, campaign)
    for name in CAMPAIGN_FIELDS:
        if name in fields:
            setattr(campaign, name, fields[name])
    if Campaign.objects.filter(org=campaign.org, year=campaign.year).exclude(pk=campaign.pk).exists():
        raise invalid({"year": _("%(year)d年的活动已经存在。") % {"year": campaign.year}}, "CAM-1")
    campaign.full_clean()
    campaign.save()
    details = (
        changed if changed is not None else {k: str(v) for k, v in fields.items() if k in CAMPAIGN_FIELDS}
    )
    audit.record(AuditAction.UPDATE, actor=actor, obj=campaign, details={"changed": details})
    return campaign


def update_deadline(actor, deadline: Deadline, form) -> Deadline:
    """Save a deadline from its form (the form has parsed the explicit units)."""
    data = dict(form.cleaned_data)
    changed = _changes(form)
    return save_deadline(actor, deadline, changed=changed, **data)


SELECTABLE_KINDS = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)
DEADLINE_FIELDS = ("code", "name", "due_on", "description", "owed_by_kinds", "remind_days_before", "kind")
MAX_REMIND_DAYS = 90


@transaction.atomic
def save_deadline(actor, deadline: Deadline, *, owed_by_orgs=None, changed: dict | None = None, **fields):
    """Create or change a deadline and who owes it (CAM-1, CAM-2): by kind of unit and/or units named
    one by one, all inside the campaign's federation. The obligations follow at once."""
    require_admin(actor, "manage_campaigns")
    ensure_editable(actor, deadline.campaign)
    creating = deadline.pk is None
    # A bound ModelForm has already written the new values onto the instance: read the stored kind.
    previous_kind = Deadline.objects.filter(pk=deadline.pk).values_list("kind", flat=True).first()
    for name in DEADLINE_FIELDS:
        if name in fields:
            setattr(deadline, name, fields[name])
    orgs = (
        list(owed_by_orgs)
        if owed_by_orgs is not None
        else ([] if creating else list(deadline.owed_by_orgs.all()))
    )
    _validate_deadline(deadline, orgs, previous_kind)
    deadline.save()
    deadline.owed_by_orgs.set(orgs)
    counts = sync_obligations(deadline)
    details = {"changed": changed if changed is not None else {k: str(v) for k, v in fields.items()}}
    details["obligations"] = counts
    audit.record(
        AuditAction.CREATE if creating else AuditAction.UPDATE, actor=actor, obj=deadline, details=details
    )
    return deadline


def _validate_deadline(deadline: Deadline, orgs: list[Org], previous_kind: str | None) -> None:
    campaign = deadline.campaign
    errors: dict[str, str] = {}
    if not deadline.code or not re.fullmatch(r"[-a-zA-Z0-9_]+", deadline.code):
        errors["code"] = _("代码只能由字母、数字、连字符组成，不能为空。")
    elif Deadline.objects.filter(campaign=campaign, code=deadline.code).exclude(pk=deadline.pk).exists():
        errors["code"] = _("该活动已有代码为“%(c)s”的截止日期。") % {"c": deadline.code}
    if not (deadline.name or "").strip():
        errors["name"] = _("名称不能为空。")
    if deadline.due_on is None:
        errors["due_on"] = _("请填写截止日期。")
    elif deadline.due_on.year != campaign.year:
        errors["due_on"] = _("截止日期应在活动年度（%(y)d年）内。") % {"y": campaign.year}
    if deadline.kind not in DeadlineKind.values:
        errors["kind"] = _("报送内容应为以下之一：%(k)s。") % {"k": "、".join(map(str, DeadlineKind.labels))}
    elif (
        previous_kind
        and (previous_kind == DeadlineKind.PLAN) != (deadline.kind == DeadlineKind.PLAN)
        and deadline.obligations.filter(versions__gt=0).exists()
    ):
        errors["kind"] = _("已有单位报送，不能在“实施方案”和文件材料之间更改报送内容。")
    unknown = [k for k in deadline.owed_by_kinds or [] if k not in SELECTABLE_KINDS]
    if unknown:
        errors["owed_by_kinds"] = _("未知的单位类型：%(k)s。") % {"k": "、".join(map(str, unknown))}
    elif not deadline.owed_by_kinds and not orgs:
        errors["owed_by_kinds"] = _("请选择报送单位类型，或指定具体报送单位（至少一项）。")
    outside = [o.name for o in orgs if not o.path.startswith(campaign.org.path)]
    if outside:
        errors["owed_by_orgs"] = _("以下单位不在主办单位“%(root)s”的范围内：%(names)s。") % {
            "root": campaign.org.name,
            "names": "、".join(outside),
        }
    if deadline.remind_days_before is None or not 0 <= deadline.remind_days_before <= MAX_REMIND_DAYS:
        errors["remind_days_before"] = _("提前提醒天数应在 0 至 %(n)d 天之间。") % {"n": MAX_REMIND_DAYS}
    if errors:
        raise invalid(errors, "CAM-2")


@transaction.atomic
def delete_deadline(actor, deadline: Deadline) -> None:
    """Remove a deadline set by mistake (CAM-1), with its obligations — never one a unit has already
    submitted for (its submissions are the unit's record)."""
    require_admin(actor, "manage_campaigns")
    ensure_editable(actor, deadline.campaign)
    if deadline.obligations.filter(versions__gt=0).exists():
        raise invalid({"__all__": _("已有单位报送，不能删除该截止日期；可修改日期或报送单位。")}, "CAM-1")
    audit.record(
        AuditAction.DELETE,
        actor=actor,
        obj=deadline,
        details={"campaign": deadline.campaign_id, "code": deadline.code},
    )
    deadline.delete()


_UNIT_SPLIT = re.compile(r"[\n\r,，;；、]+")
_NAME_WITH_CODE = re.compile(r"^(.*?)[(（]\s*(\d{6,12})\s*[)）]$")


def resolve_units(campaign: Campaign, text: str, actor=None) -> list[Org]:
    """Units named one per line (or separated by 、，；) by the ledger kit's one rule
    (``UnitResolver``: a division code, the full name, or the path of names; "名称（代码）" as the box
    shows them is read by its code), among the campaign federation's units the actor sees. A unit
    outside — another city's, or one the actor cannot see — is "not found"; a name that fits several
    asks for the code or the path."""
    tokens = [t.strip() for t in _UNIT_SPLIT.split(text or "") if t.strip()]
    if not tokens:
        return []
    resolver = UnitResolver(
        campaign.org,
        actor,
        column=str(_("另行指定的报送单位")),
        edit=False,
        default=False,
        refusal=_("在“%(o)s”之下找不到“%(v)s”。"),  # outside the actor's scope: as if absent
    )
    values = [match[2] if (match := _NAME_WITH_CODE.match(t)) else t for t in tokens]
    units, problems = resolver.resolve_all(values)
    if problems:
        raise invalid({"owed_by_orgs": "".join(problems)}, "CAM-2")
    return units


def units_text(orgs) -> str:
    return "\n".join(f"{o.name}（{o.division_code}）" if o.division_code else o.name for o in orgs)


def owed_orgs(deadline: Deadline):
    """The units that owe ``deadline`` under its configuration: active units of the campaign's
    federation of the chosen kinds, plus the units named one by one."""
    named = list(deadline.owed_by_orgs.values_list("pk", flat=True))
    return Org.objects.filter(subtree_q(deadline.campaign.org.path), is_active=True).filter(
        Q(kind__in=deadline.owed_by_kinds or []) | Q(pk__in=named)
    )


@transaction.atomic
def sync_obligations(deadline: Deadline) -> dict:
    """Make the obligation rows match the configuration (CAM-2). Idempotent. A unit no longer owing
    keeps its row (and history) only if it has submitted; otherwise the row goes."""
    owed = set(owed_orgs(deadline).values_list("pk", flat=True))
    existing = {
        org_id: (pk, is_owed, versions)
        for pk, org_id, is_owed, versions in deadline.obligations.values_list(
            "pk", "org_id", "is_owed", "versions"
        )
    }
    new = [Obligation(deadline=deadline, org_id=pk) for pk in owed if pk not in existing]
    Obligation.objects.bulk_create(new, batch_size=900)
    reopened = [pk for org_id, (pk, is_owed, _v) in existing.items() if org_id in owed and not is_owed]
    dropped = [(pk, versions) for org_id, (pk, is_owed, versions) in existing.items() if org_id not in owed]
    Obligation.objects.filter(pk__in=reopened).update(is_owed=True)
    kept = [pk for pk, versions in dropped if versions]
    Obligation.objects.filter(pk__in=kept, is_owed=True).update(is_owed=False)
    removed = [pk for pk, versions in dropped if not versions]
    Obligation.objects.filter(pk__in=removed).delete()
    return {"created": len(new), "reopened": len(reopened), "removed": len(removed), "kept": len(kept)}


def sync_open_deadlines(today: datetime.date | None = None) -> int:
    """Re-check who owes every deadline not yet past (new, moved or deactivated units); daily."""

    today = today or timezone.localdate()
    count = 0
    for deadline in Deadline.objects.filter(due_on__gte=today).select_related("campaign__org"):
        sync_obligations(deadline)
        count += 1
    return count
