"""Who may do what in projects: module permissions, and the volunteer's narrow view (PRJ-5).

A volunteer's account holds the built-in ``volunteer`` role (``projects.view`` only). What she may see
is part of her scope (``User.compute_scope``, ``scope_volunteer`` on each model): every ``visible_to``
gives her only her own pairs and households, so no page, ledger or API call narrows by hand. What is
left here is which pages are hers: the cadres' pages (progress, reports, beneficiaries, registers) are
closed to her by ``require_view``/``require_edit``/``require_export``; the menu follows the same test.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from fuqing.core.permissions import require
from fuqing.orgs.models import VOLUNTEER_ROLE  # noqa: F401  (kept for the services' imports)


def is_volunteer_only(user) -> bool:
    """A volunteer by position, or a user whose projects permissions come only from the volunteer role
    (``User.is_volunteer_only``; her scope carries the narrowing)."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_volunteer_only


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
