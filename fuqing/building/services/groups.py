"""Women's groups and flexible organisations (BLD-2, BLD-5): leader and members from the registry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.building.models import GroupActivity, GroupKind, GroupMember, WomensGroup
from fuqing.building.services.common import (
    federation_unit,
    not_future,
    record,
    require_edit,
    require_edit_obj,
    required_text,
)
from fuqing.core.models import AuditAction
from fuqing.core.scoping import subtree_q


def _check_woman(group_org, woman, field: str, label: str) -> None:
    """A leader or member is a woman of the registry living in the group's unit (its subtree)."""
    if woman is None:
        return
    if not woman.org.path.startswith(group_org.path) or woman.status != "active":
        raise ValidationError(
            {field: _("%(label)s须是本单位在册的妇女（从妇女档案中选择）。") % {"label": label}}, code="BLD-2"
        )


def clean_group(org, data: dict) -> dict:
    name = required_text(data.get("name"), "name", _("名称"), "BLD-2", 100)
    kind = data.get("kind")
    if kind not in GroupKind.values:
        raise ValidationError({"kind": _("类型：请选择一项。")}, code="BLD-2")
    not_future(data.get("founded_on"), "founded_on", _("成立日期"), "BLD-2", timezone.localdate())
    _check_woman(org, data.get("leader"), "leader", _("组长"))
    return {
        "name": name,
        "kind": kind,
        "place": (data.get("place") or "").strip()[:100],
        "founded_on": data.get("founded_on"),
        "leader": data.get("leader"),
        "is_active": data.get("is_active", True) is not False,
    }


@transaction.atomic
def create_group(actor, org, **data) -> WomensGroup:
    """A women's group in a natural village, compound or building, or a flexible organisation (BLD-2/5)."""
    require_edit(actor, org)
    federation_unit(org, "org", "BLD-2")
    fields = clean_group(org, data)
    if WomensGroup.objects.filter(org=org, name=fields["name"]).exists():
        raise ValidationError({"name": _("本单位已有同名的妇女小组。")}, code="BLD-2")
    group = WomensGroup.objects.create(org=org, created_by=actor, **fields)
    if group.leader_id:
        GroupMember.objects.get_or_create(group=group, woman=group.leader)
    record(AuditAction.CREATE, actor, group, kind=group.kind)
    return group


@transaction.atomic
def update_group(actor, group: WomensGroup, **data) -> WomensGroup:
    require_edit_obj(actor, group)
    fields = clean_group(group.org, data)
    if WomensGroup.objects.filter(org=group.org, name=fields["name"]).exclude(pk=group.pk).exists():
        raise ValidationError({"name": _("本单位已有同名的妇女小组。")}, code="BLD-2")
    for key, value in fields.items():
        setattr(group, key, value)
    group.save()
    if group.leader_id:
        GroupMember.objects.get_or_create(group=group, woman=group.leader)
    record(AuditAction.UPDATE, actor, group, kind=group.kind)
    return group


@transaction.atomic
def add_members(actor, group: WomensGroup, women) -> int:
    require_edit_obj(actor, group)
    women = list(women)
    if not women:
        raise ValidationError({"women": _("请选择要加入的妇女。")}, code="BLD-2")
    for woman in women:
        _check_woman(group.org, woman, "women", _("成员"))
    existing = set(GroupMember.objects.filter(group=group).values_list("woman_id", flat=True))
    today = timezone.localdate()
    new = [GroupMember(group=group, woman=w, joined_on=today) for w in women if w.pk not in existing]
    GroupMember.objects.bulk_create(new)
    record(AuditAction.UPDATE, actor, group, members_added=len(new))
    return len(new)


@transaction.atomic
def remove_member(actor, member: GroupMember) -> None:
    require_edit_obj(actor, member)
    group = member.group
    if group.leader_id == member.woman_id:
        raise ValidationError({"woman": _("组长不能移出小组，请先更换组长。")}, code="BLD-2")
    member.delete()
    record(AuditAction.UPDATE, actor, group, members_removed=1)


@transaction.atomic
def add_group_activity(actor, group: WomensGroup, *, held_on, theme, attendance=0) -> GroupActivity:
    require_edit_obj(actor, group)
    if held_on is None:
        raise ValidationError({"held_on": _("日期不能为空。")}, code="BLD-2")
    not_future(held_on, "held_on", _("活动日期"), "BLD-2", timezone.localdate())
    theme = required_text(theme, "theme", _("活动主题"), "BLD-2", 200)
    if attendance is None or attendance < 0:
        raise ValidationError({"attendance": _("参加妇女人数应为不小于 0 的整数。")}, code="BLD-2")
    activity = GroupActivity.objects.create(
        group=group, held_on=held_on, year=held_on.year, theme=theme, attendance=attendance, created_by=actor
    )
    record(AuditAction.CREATE, actor, activity, group=group.pk)
    return activity


def women_of(org, user):
    """The registry's women a group of ``org`` may take in, through the user's scope."""
    from fuqing.registry.models import Woman

    return Woman.objects.visible_to(user).filter(subtree_q(org.path, "org__path"), status="active")
