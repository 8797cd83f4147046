"""Who may do what in projects: module permissions, and the volunteer's narrow view (PRJ-5).

A volunteer's account holds the built-in ``volunteer`` role (``projects.view`` only). Scoping alone would
show her every project row of her community, so every projects page, ledger and API call asks
``is_volunteer_only`` and gives her only her own pairs and households.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from fuqing.core.permissions import require
from fuqing.orgs.models import Position

VOLUNTEER_ROLE = "volunteer"


def is_volunteer_only(user) -> bool:
    """A volunteer by position, or a user whose projects permissions come only from the volunteer role."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.position == Position.VOLUNTEER:
        return True
    roles = user.role_list
    if not any(r.code == VOLUNTEER_ROLE for r in roles):
        return False
    return not any(
        r.code != VOLUNTEER_ROLE and any(p.startswith("projects.") for p in r.permissions) for r in roles
    )


def require_view(user) -> None:
    """The cadres' pages: ``projects.view``, and not a volunteer (she has her own pages)."""
    require(user, "projects", "view")
    if is_volunteer_only(user):
        raise PermissionDenied(_("巾帼志愿者只能查看自己结对的家庭。"))


def require_edit(user) -> None:
    require(user, "projects", "edit")
    if is_volunteer_only(user):
        raise PermissionDenied(_("巾帼志愿者只能查看自己结对的家庭。"))


def require_export(user) -> None:
    require(user, "projects", "export")
    if is_volunteer_only(user):
        raise PermissionDenied(_("巾帼志愿者只能查看自己结对的家庭。"))
