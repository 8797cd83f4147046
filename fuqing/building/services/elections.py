"""Term elections and teams (BLD-3): the charter's term, the team a vote chose, gaps flagged."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.building.models import Election, TeamMember, TeamRole
from fuqing.building.services.common import federation_unit, not_future, record, require_edit
from fuqing.core.models import AuditAction
from fuqing.orgs.models import OrgKind, User


def term_years(org) -> int:
    """The charter's term: 3 years for 村/社区, 5 for 乡镇/街道 and above (configurable, BLD-3)."""
    if org.kind == OrgKind.COMMUNITY:
        return settings.TERM_YEARS_GRASSROOTS
    return settings.TERM_YEARS_UPPER


def needs_full_time_vice(org) -> bool:
    """A full-time vice-chair is required from 乡镇/街道 up (notice (三)2: 选配好专兼职副主席)."""
    return org.kind != OrgKind.COMMUNITY


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def team_gaps(org, roles) -> list[str]:
    """What the team lacks: a chair; a full-time vice-chair where the level requires one."""
    roles = set(roles)
    gaps = []
    if TeamRole.CHAIR not in roles:
        gaps.append(str(_("缺主席")))
    if needs_full_time_vice(org) and TeamRole.VICE_FULL not in roles:
        gaps.append(str(_("缺专职副主席")))
    return gaps


def clean_members(org, members: list[dict]) -> list[dict]:
    """Rows of {role, name, user?}; a linked account must be a person of the unit."""
    cleaned = []
    for number, row in enumerate(members, start=1):
        role = row.get("role")
        name = (row.get("name") or "").strip()
        user = row.get("user")
        if role not in TeamRole.values:
            raise ValidationError({"members": _("第 %(n)d 位成员：职务无效。") % {"n": number}}, code="BLD-3")
        if user is not None:
            if not isinstance(user, User) or user.org_id != org.pk:
                raise ValidationError(
                    {"members": _("第 %(n)d 位成员：须是本单位的人员。") % {"n": number}}, code="BLD-3"
                )
            name = name or user.display_name
        if not name or len(name) > 50:
            raise ValidationError(
                {"members": _("第 %(n)d 位成员：姓名不能为空，且不超过 50 个字。") % {"n": number}},
                code="BLD-3",
            )
        cleaned.append({"role": role, "name": name, "user": user})
    if sum(1 for m in cleaned if m["role"] == TeamRole.CHAIR) > 1:
        raise ValidationError({"members": _("一届班子只能有一位主席。")}, code="BLD-3")
    return cleaned


@transaction.atomic
def record_election(actor, org, *, held_on, members: list[dict], term: int | None = None, note: str = ""):
    """Record a term election (BLD-3): its team replaces the current one, which stays in history.

    An election older than the current one is history only (entered late) and does not replace it."""
    require_edit(actor, org)
    federation_unit(org, "org", "BLD-3")
    if held_on is None:
        raise ValidationError({"held_on": _("换届日期不能为空。")}, code="BLD-3")
    not_future(held_on, "held_on", _("换届日期"), "BLD-3", timezone.localdate())
    term = term or term_years(org)
    if not 1 <= term <= 10:
        raise ValidationError({"term_years": _("任期应为 1 至 10 年。")}, code="BLD-3")
    cleaned = clean_members(org, members)
    if not cleaned:
        raise ValidationError({"members": _("请至少填写一位班子成员。")}, code="BLD-3")
    current = Election.objects.select_for_update().filter(org=org, is_current=True).first()
    if current is not None and current.held_on == held_on:
        raise ValidationError({"held_on": _("该日期的换届已经记录。")}, code="BLD-3")
    becomes_current = current is None or held_on > current.held_on
    if becomes_current and current is not None:
        Election.objects.filter(pk=current.pk).update(is_current=False)
    election = Election.objects.create(
        org=org,
        held_on=held_on,
        term_years=term,
        next_due=add_years(held_on, term),
        is_current=becomes_current,
        note=(note or "").strip()[:200],
        recorded_by=actor,
    )
    TeamMember.objects.bulk_create([TeamMember(election=election, **m) for m in cleaned])
    if becomes_current and current is not None:
        from fuqing.building.reminders import resolve_election

        resolve_election(current.pk)
    record(
        AuditAction.CREATE,
        actor,
        election,
        members=len(cleaned),
        replaced=current.pk if (becomes_current and current) else "",
    )
    return election
