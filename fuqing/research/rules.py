"""Who does what in research (RES-1, RES-3, RES-4): one place for the rules services and pages share.

- The research office (研究室) is a department whose cadres hold ``research.approve``; with city-wide
  read they review and recommend every report of the city.
- A report's own unit (cadres of ``report.org`` with ``research.edit``) submits and withdraws it.
- The parent unit's leaders (chair, vice-chairs, leadership members with ``research.approve``) review it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from fuqing.core.scoping import user_scope
from fuqing.orgs.models import Org, OrgKind, Position
from fuqing.orgs.services import is_administrator_account

TOPIC_CITY_LEADERS = (Position.CHAIR, Position.VICE_CHAIR_FULL, Position.VICE_CHAIR_PART)


def administrator_problem(field: str, user) -> str:
    """Why ``user`` may not be named as ``field`` (a topic's leader, a 求实杯 judge): administrator accounts
    (安全、审计、系统管理员, ``orgs.services.administrators``) run the platform and take no part in
    research (SEC-5). "" when she may."""
    if not is_administrator_account(user):
        return ""
    return _(
        "%(f)s不能是管理员账号：%(n)s是安全、审计或系统管理员，管理员不参与调研课题和“求实杯”评选，请选择干部。"
    ) % {
        "f": field,
        "n": user.display_name,
    }


def parent_path(org: Org) -> str:
    return org.path[: -Org.steplen]


def federation_of(org: Org) -> Org:
    """A department's federation is its parent; a federation is its own."""
    if org.kind == OrgKind.DEPARTMENT and org.depth > 1:
        return Org.objects.get(path=parent_path(org))
    return org


def is_research_office(user) -> bool:
    return bool(
        user.is_authenticated
        and user.org_id
        and user.org.kind == OrgKind.DEPARTMENT
        and user.has_module_perm("research", "approve")
    )


def is_unit_cadre(user, org: Org) -> bool:
    return user.org_id == org.pk and user.has_module_perm("research", "edit")


def is_parent_leader(user, org: Org) -> bool:
    return bool(
        user.org_id
        and org.depth > 1
        and user.org.path == parent_path(org)
        and user.is_leader
        and user.has_module_perm("research", "approve")
    )


def reads(user, org: Org) -> bool:
    return user_scope(user).covers(org.path)


def can_submit(user, report) -> bool:
    return is_unit_cadre(user, report.org)


def can_review(user, report) -> bool:
    return is_parent_leader(user, report.org) or (is_research_office(user) and reads(user, report.org))


def can_recommend(user, report) -> bool:
    return is_research_office(user) and reads(user, report.org)


# --- the Qiushi Cup -------------------------------------------------------------------------------


def judge_conflict(judge_org: Org, report_org: Org) -> bool:
    """A judge never scores a report of her own unit (RES-4).

    Her own unit is her organisation; for a judge of a district, township or community federation also
    the units it leads below; for a judge of a city (or province) federation also its own departments
    (the federation's offices), but not the districts beneath it.
    """
    if judge_org.pk == report_org.pk:
        return True
    if judge_org.kind in (OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY, OrgKind.WOMENS_GROUP):
        return report_org.path.startswith(judge_org.path)
    if judge_org.kind in (OrgKind.CITY, OrgKind.PROVINCE):
        return report_org.kind == OrgKind.DEPARTMENT and parent_path(report_org) == judge_org.path
    return False
