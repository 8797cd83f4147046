"""Key research topics (RES-1): who sets them, who leads them, and the list that flags what is amiss.

The notice: every department of the city federation sets its topics for the year, each with a group led
by the chair or a vice-chair; every district federation sets exactly one, led by its chair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.documents import clean_text
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import ensure_editable, subtree_q
from fuqing.orgs.models import Org, OrgKind, Position, User
from fuqing.orgs.services import administrators
from fuqing.research.models import Topic
from fuqing.research.rules import TOPIC_CITY_LEADERS, administrator_problem, parent_path

CITY_KINDS = (OrgKind.CITY, OrgKind.PROVINCE)


def unit_kind(org: Org, parent: Org | None) -> str:
    """ "department" (a department of a city federation), "district", or "" (not a topic unit)."""
    if org.kind == OrgKind.DISTRICT:
        return "district"
    if org.kind == OrgKind.DEPARTMENT and parent is not None and parent.kind in CITY_KINDS:
        return "department"
    return ""


def _parent(org: Org) -> Org | None:
    return Org.objects.filter(path=parent_path(org)).first() if org.depth > 1 else None


def eligible_leaders(org: Org):
    """Who may lead a topic of ``org``: the city's chair and vice-chairs for a department, the district's
    chair for a district. Looked up by rule, not by the viewer's scope: a department cadre must be able to
    name her federation's chair."""
    parent = _parent(org)
    kind = unit_kind(org, parent)
    users = (
        User.objects.filter(is_active=True)
        .exclude(pk__in=administrators().values("pk"))
        .select_related("org")
        .order_by("position", "name")
    )
    if kind == "department":
        return users.filter(org=parent, position__in=TOPIC_CITY_LEADERS)
    if kind == "district":
        return users.filter(org=org, position=Position.CHAIR)
    return users.none()


def leader_problem(org: Org, parent: Org | None, leader: User) -> str:
    """Why ``leader`` may not lead a topic of ``org`` ("" when she may)."""
    kind = unit_kind(org, parent)
    if not leader.is_active:
        return _("组长%(n)s的账户已停用。") % {"n": leader.display_name}
    if problem := administrator_problem(_("课题组组长"), leader):
        return problem
    if kind == "department":
        if leader.org_id != parent.pk or leader.position not in TOPIC_CITY_LEADERS:
            return _("市妇联机关部室的课题组须由%(c)s主席或副主席任组长，%(n)s不是。") % {
                "c": parent.name,
                "n": leader.display_name,
            }
    elif kind == "district":
        if leader.org_id != org.pk or leader.position != Position.CHAIR:
            return _("区县(市)妇联的课题须由本级主席带队，%(n)s不是%(o)s主席。") % {
                "n": leader.display_name,
                "o": org.name,
            }
    return ""


def _clean(title: str, description: str, members: str) -> dict:
    title = clean_text(title).strip()
    if not title:
        raise ValidationError({"title": _("课题名称不能为空。")}, code="RES-1")
    if len(title) > 200:
        raise ValidationError({"title": _("课题名称不能超过 200 个字。")}, code="RES-1")
    members = clean_text(members).strip()
    if len(members) > 300:
        raise ValidationError({"members": _("课题组成员不能超过 300 个字。")}, code="RES-1")
    return {"title": title, "description": clean_text(description).strip(), "members": members}


def _check(org: Org, year: int, leader: User | None) -> None:
    parent = _parent(org)
    if not unit_kind(org, parent):
        raise ValidationError(
            {
                "org": _("重点调研课题由市妇联机关各部（室）和区县(市)妇联确定，%(o)s不在此列。")
                % {"o": org.name}
            },
            code="RES-1",
        )
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("年度应为四位年份。")}, code="RES-1")
    if leader is None:
        raise ValidationError({"leader": _("请选择课题组组长。")}, code="RES-1")
    problem = leader_problem(org, parent, leader)
    if problem:
        raise ValidationError({"leader": problem}, code="RES-1")


def extra_warning(org: Org, year: int, exclude: Topic | None = None) -> str:
    """A district's second topic of a year is kept but flagged; say so when it is saved."""
    if org.kind != OrgKind.DISTRICT:
        return ""
    others = Topic.objects.filter(org=org, year=year)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        return _("%(o)s%(y)d年已有重点调研课题；通知要求区县(市)妇联确定 1 个，本课题将被标记为“多报”。") % {
            "o": org.name,
            "y": year,
        }
    return ""


@transaction.atomic
def create_topic(
    actor, *, org: Org, year: int, title: str, leader: User | None, description: str = "", members: str = ""
) -> Topic:
    """Set a key topic for ``org`` (RES-1)."""
    require(actor, "research", "edit")
    ensure_editable(actor, org)
    values = _clean(title, description, members)
    _check(org, year, leader)
    topic = Topic.objects.create(org=org, year=year, leader=leader, created_by=actor, **values)
    audit.record(AuditAction.CREATE, actor=actor, obj=topic, details={"year": year})
    return topic


@transaction.atomic
def update_topic(
    actor,
    topic: Topic,
    *,
    title: str,
    leader: User | None,
    description: str = "",
    members: str = "",
    year=None,
) -> Topic:
    require(actor, "research", "edit")
    ensure_editable(actor, topic)
    values = _clean(title, description, members)
    year = topic.year if year is None else year
    _check(topic.org, year, leader)
    for key, value in values.items():
        setattr(topic, key, value)
    topic.leader, topic.year = leader, year
    topic.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=topic, details={"year": year})
    return topic


@transaction.atomic
def delete_topic(actor, topic: Topic) -> None:
    require(actor, "research", "edit")
    ensure_editable(actor, topic)
    audit.record(AuditAction.DELETE, actor=actor, obj=topic, details={"year": topic.year})
    topic.delete()


# --- the list that flags what is amiss ------------------------------------------------------------

FLAGS = {
    "missing": _("未确定课题"),
    "extra": _("多报课题"),
    "wrong_leader": _("组长不符"),
    "wrong_unit": _("非课题单位"),
}


@dataclass
class UnitRow:
    org: Org
    kind: str  # "department", "district" or "" (a topic set where none belongs)
    topics: list = field(default_factory=list)
    flags: list = field(default_factory=list)  # (code, message, topic id or None)

    @property
    def ok(self) -> bool:
        return not self.flags


def compliance(user, year: int) -> list[UnitRow]:
    """Every city department and district federation in the user's scope with its topics of ``year`` and
    what is missing, extra or wrongly led (RES-1). Three queries whatever the size of the tree."""
    orgs = list(
        Org.objects.visible_to(user)
        .filter(is_active=True)
        .filter(Q(kind__in=(OrgKind.DISTRICT, OrgKind.DEPARTMENT, *CITY_KINDS)))
        .order_by("path")
    )
    by_path = {o.path: o for o in orgs}
    # a department cadre sees her department but not the city above it: learn the parents' kinds
    missing = {parent_path(o) for o in orgs if o.depth > 1} - by_path.keys()
    by_path.update({o.path: o for o in Org.objects.filter(path__in=missing)})
    topics = list(
        Topic.objects.visible_to(user)
        .filter(year=year)
        .select_related("org", "leader", "leader__org")
        .prefetch_related("leader__roles")
    )
    rows: dict[int, UnitRow] = {}
    for org in orgs:
        kind = unit_kind(org, by_path.get(parent_path(org)))
        if kind:
            rows[org.pk] = UnitRow(org, kind)
    for topic in topics:
        row = rows.get(topic.org_id)
        if row is None:  # a topic where none belongs (or of a unit since closed)
            kind = unit_kind(topic.org, by_path.get(parent_path(topic.org))) if topic.org.is_active else ""
            row = rows.setdefault(topic.org_id, UnitRow(topic.org, kind))
        row.topics.append(topic)
    for row in rows.values():
        _flag(row, by_path)
    return sorted(rows.values(), key=lambda r: r.org.path)


def _flag(row: UnitRow, by_path: dict) -> None:
    if not row.kind:
        row.flags.append(
            ("wrong_unit", _("该单位不属于市妇联机关部室或区县(市)妇联，不应设立重点调研课题。"), None)
        )
        return
    if not row.topics:
        message = (
            _("尚未确定本年度重点调研课题。")
            if row.kind == "department"
            else _("尚未确定本年度重点调研课题（应确定 1 个，由主席带队）。")
        )
        row.flags.append(("missing", message, None))
    if row.kind == "district" and len(row.topics) > 1:
        row.flags.append(("extra", _("确定了 %(n)d 个课题，通知要求 1 个。") % {"n": len(row.topics)}, None))
    parent = by_path.get(parent_path(row.org))
    for topic in row.topics:
        problem = leader_problem(row.org, parent, topic.leader)
        if problem:
            row.flags.append(("wrong_leader", f"《{topic.title}》：{problem}", topic.pk))


def topic_flags(rows: list[UnitRow]) -> dict[int, str]:
    """Each topic's problems in one line (for the ledger), "符合要求" when none."""
    result = {}
    for row in rows:
        for topic in row.topics:
            problems = [m for _c, m, t in row.flags if t in (None, topic.pk)]
            result[topic.pk] = "；".join(problems) or _("符合要求")
    return result


def filter_rows(rows: list[UnitRow], flag: str = "", q: str = "") -> list[UnitRow]:
    if flag == "ok":
        rows = [r for r in rows if r.ok]
    elif flag:
        rows = [r for r in rows if any(f[0] == flag for f in r.flags)]
    if q:
        rows = [r for r in rows if q in r.org.name or any(q in t.title for t in r.topics)]
    return rows


def topics_in(user, org: Org):
    """Topics of ``org``'s subtree the user sees (for pickers)."""
    return Topic.objects.visible_to(user).filter(subtree_q(org.path, "org__path"))
