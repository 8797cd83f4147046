"""Implementation plans (实施方案, CAM-3): one per unit and campaign; every save is a version."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.campaigns.errors import invalid
from fuqing.campaigns.models import Campaign, Plan, PlanAttachment, PlanVersion
from fuqing.campaigns.submissions import record_plan
from fuqing.core import audit, uploads
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit
from fuqing.orgs.models import LEADERSHIP_POSITIONS, Org, User

PLAN_FIELDS = ("title", "goals", "responsibilities", "measures")
MAX_ATTACHMENTS = 20


def _check_editor(actor, org: Org) -> None:
    if actor is None:  # the demo loader
        return
    require(actor, "campaigns", "edit")
    if not can_edit(actor, org):
        raise PermissionDenied(_("只读范围：您可以查看该单位的实施方案，但不能修改。"))


def _validate(org: Org, data: dict, leaders: list[User]) -> None:
    errors = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = _("标题不能为空。")
    elif len(title) > 200:
        errors["title"] = _("标题不能超过 200 个字。")
    if not (data.get("goals") or "").strip():
        errors["goals"] = _("请写明活动目标（实施方案须有目标、责任和牵头领导）。")
    if not (data.get("responsibilities") or "").strip():
        errors["responsibilities"] = _("请写明工作责任（实施方案须有目标、责任和牵头领导）。")
    if not leaders:
        errors["leaders"] = _("请至少选择一位牵头领导。")
    else:
        strangers = [u.display_name for u in leaders if u.org_id != org.pk or not u.is_active]
        if strangers:
            errors["leaders"] = _("牵头领导须是本单位（%(org)s）的在职人员：%(names)s 不是。") % {
                "org": org.name,
                "names": "、".join(strangers),
            }
    if errors:
        raise invalid(errors, "CAM-3")


def _snapshot(plan: Plan, leaders: list[User], event: str, actor) -> PlanVersion:
    return PlanVersion.objects.create(
        plan=plan,
        version=plan.version,
        title=plan.title,
        goals=plan.goals,
        responsibilities=plan.responsibilities,
        measures=plan.measures,
        leaders=[
            {"id": u.pk, "name": u.display_name, "position": str(u.get_position_display())} for u in leaders
        ],
        event=event,
        saved_by=actor,
    )


def _clean(data: dict) -> dict:
    return {k: (data.get(k) or "").strip() for k in PLAN_FIELDS}


@transaction.atomic
def create_plan(actor, *, campaign: Campaign, org: Org, leaders, **data) -> Plan:
    """A unit's plan for a campaign (CAM-3): goals, responsibilities and leaders are required; leaders
    are people of the unit. One plan per unit and campaign."""
    _check_editor(actor, org)
    leaders = list(leaders)
    if not org.path.startswith(campaign.org.path):
        raise invalid(
            {"org": _("“%(org)s”不在“%(c)s”的范围内。") % {"org": org.name, "c": campaign}}, "CAM-3"
        )
    if Plan.objects.filter(campaign=campaign, org=org).exists():
        raise invalid(
            {
                "org": _("“%(org)s”已有%(y)d年的实施方案，请在原方案上修改（修改会保留历史版本）。")
                % {"org": org.name, "y": campaign.year}
            },
            "CAM-3",
        )
    data = _clean(data)
    _validate(org, data, leaders)
    plan = Plan.objects.create(campaign=campaign, org=org, created_by=actor, updated_by=actor, **data)
    plan.leaders.set(leaders)
    _snapshot(plan, leaders, "create", actor)
    audit.record(AuditAction.CREATE, actor=actor, obj=plan, details={"year": campaign.year, "version": 1})
    return plan


@transaction.atomic
def update_plan(actor, plan: Plan, *, leaders=None, **data) -> Plan:
    """Change a plan; a change is a new version, the old one stays readable (CAM-3)."""
    _check_editor(actor, plan.org)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    current_leaders = list(plan.leaders.all())
    leaders = current_leaders if leaders is None else list(leaders)
    merged = {k: (data[k] if k in data else getattr(plan, k)) for k in PLAN_FIELDS}
    merged = _clean(merged)
    _validate(plan.org, merged, leaders)
    changed = [k for k in PLAN_FIELDS if merged[k] != getattr(plan, k)]
    if {u.pk for u in leaders} != {u.pk for u in current_leaders}:
        changed.append("leaders")
    if not changed:
        return plan
    for key, value in merged.items():
        setattr(plan, key, value)
    plan.version += 1
    plan.updated_by = actor
    plan.save()
    plan.leaders.set(leaders)
    _snapshot(plan, leaders, "update", actor)
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=plan, details={"changed": changed, "version": plan.version}
    )
    return plan


@transaction.atomic
def submit_plan(actor, plan: Plan, at=None) -> Plan:
    """Submit the plan's current version. Where the campaign has an "implementation plan" deadline,
    this is the unit's submission for it (CAM-2, timeliness counted)."""

    _check_editor(actor, plan.org)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.submitted_at is not None and plan.submitted_version == plan.version:
        raise invalid({"plan": _("当前版本已经提交过，修改后可再次提交。")}, "CAM-3")
    version = plan.versions.get(version=plan.version)
    plan.submitted_at = at or timezone.now()
    plan.submitted_version = plan.version
    plan.save(update_fields=["submitted_at", "submitted_version"])
    record_plan(actor, plan, version, at=plan.submitted_at)
    audit.record(AuditAction.UPDATE, actor=actor, obj=plan, details={"submitted_version": plan.version})
    return plan


@transaction.atomic
def add_attachment(actor, plan: Plan, upload) -> PlanAttachment:
    """Attach a file to a plan: Word, WPS, PDF, Excel or a picture, size-limited (SEC-10)."""
    _check_editor(actor, plan.org)
    if plan.attachments.present().count() >= MAX_ATTACHMENTS:
        raise invalid({"file": _("每个实施方案最多 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS}}, "CAM-3")
    kind = uploads.ATTACHMENTS.check(upload)
    with uploads.store_private(upload, kind, "plans") as stored:
        attachment = PlanAttachment.objects.create(plan=plan, uploaded_by=actor, **stored.fields())
        audit.record(AuditAction.CREATE, actor=actor, obj=attachment, details={"plan": plan.pk})
    return attachment


@transaction.atomic
def remove_attachment(actor, attachment: PlanAttachment) -> None:
    """Take a file off the plan; the record (who added and removed it, when) stays."""
    _check_editor(actor, attachment.plan.org)
    if attachment.removed_at is not None:
        return
    attachment.removed_at = timezone.now()
    attachment.removed_by = actor
    attachment.save(update_fields=["removed_at", "removed_by"])
    audit.record(AuditAction.DELETE, actor=actor, obj=attachment, details={"plan": attachment.plan_id})


def leader_choices(org: Org):
    """The people who may lead a unit's plan: its active users, leaders first."""

    users = list(User.objects.filter(org=org, is_active=True).order_by("username"))
    return sorted(users, key=lambda u: u.position not in LEADERSHIP_POSITIONS)
