"""Three-level training (BLD-4): sessions the city plans, attendance by person."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.building.models import Attendance, TrainingLevel, TrainingSession
from fuqing.building.services.common import (
    federation_unit,
    record,
    require_edit,
    require_edit_obj,
    required_text,
)
from fuqing.core.models import AuditAction
from fuqing.orgs.models import OrgKind

# Which units a level's cadres come from.
LEVEL_KINDS = {
    TrainingLevel.DISTRICT: (OrgKind.DISTRICT,),
    TrainingLevel.TOWNSHIP: (OrgKind.TOWNSHIP,),
    TrainingLevel.COMMUNITY: (OrgKind.COMMUNITY,),
}
LEVEL_OF_KIND = {kind: level for level, kinds in LEVEL_KINDS.items() for kind in kinds}


def clean_session(data: dict) -> dict:
    held_on = data.get("held_on")
    if held_on is None:
        raise ValidationError({"held_on": _("日期不能为空。")}, code="BLD-4")
    if data.get("level") not in TrainingLevel.values:
        raise ValidationError(
            {"level": _("培训对象层级：请选择区县(市)、街道(乡镇)或社区(村)。")}, code="BLD-4"
        )
    hours = data.get("hours")
    if hours is None or not Decimal("0.5") <= Decimal(hours) <= Decimal("200"):
        raise ValidationError({"hours": _("学时应在 0.5 至 200 之间。")}, code="BLD-4")
    return {
        "held_on": held_on,
        "year": held_on.year,
        "place": required_text(data.get("place"), "place", _("地点"), "BLD-4", 100),
        "level": data["level"],
        "topic": required_text(data.get("topic"), "topic", _("主题"), "BLD-4", 200),
        "hours": Decimal(hours),
        "trainer": (data.get("trainer") or "").strip()[:100],
    }


@transaction.atomic
def create_session(actor, org, **data) -> TrainingSession:
    """A session a federation plans for one level of its subtree (BLD-4)."""
    require_edit(actor, org)
    federation_unit(org, "org", "BLD-4")
    session = TrainingSession.objects.create(org=org, created_by=actor, **clean_session(data))
    record(AuditAction.CREATE, actor, session, level=session.level)
    return session


@transaction.atomic
def update_session(actor, session: TrainingSession, **data) -> TrainingSession:
    require_edit_obj(actor, session)
    for key, value in clean_session(data).items():
        setattr(session, key, value)
    session.save()
    record(AuditAction.UPDATE, actor, session, level=session.level)
    return session


def clean_attendee(session: TrainingSession, org, name, position="", hours=None, user=None) -> dict:
    """A trainee is a person of a unit in the organiser's subtree; her hours default to the session's."""
    if org is None or not org.path.startswith(session.org.path):
        raise ValidationError({"org": _("所在单位须在主办单位的范围之内。")}, code="BLD-4")
    federation_unit(org, "org", "BLD-4")
    name = required_text(name, "name", _("姓名"), "BLD-4", 50)
    hours = session.hours if hours in (None, "") else Decimal(hours)
    if not Decimal("0") < hours <= session.hours:
        raise ValidationError({"hours": _("学时应大于 0，且不超过本期培训的学时。")}, code="BLD-4")
    return {"org": org, "name": name, "position": (position or "").strip()[:50], "hours": hours, "user": user}


@transaction.atomic
def add_attendance(actor, session: TrainingSession, *, org, name, position="", hours=None, user=None):
    """One person's attendance (BLD-4); recorded by whoever may change the attendee's unit."""
    require_edit(actor, org)
    fields = clean_attendee(session, org, name, position, hours, user)
    if Attendance.objects.filter(session=session, org=fields["org"], name=fields["name"]).exists():
        raise ValidationError({"name": _("该单位的这位人员已在本期签到。")}, code="BLD-4")
    attendance = Attendance.objects.create(session=session, **fields)
    record(AuditAction.CREATE, actor, attendance, session=session.pk)
    return attendance


@transaction.atomic
def remove_attendance(actor, attendance: Attendance) -> None:
    require_edit_obj(actor, attendance)
    record(AuditAction.DELETE, actor, attendance, session=attendance.session_id)
    attendance.delete()
