"""What every field-work page needs: the permission checks, the area in view. The campaign year is the
top bar's (``fuqing.core.context_processors.selected_year`` / ``current_campaign``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from fuqing.core.context_processors import current_campaign
from fuqing.core.scoping import get_visible_or_404, user_scope
from fuqing.orgs.models import Org


def require_view(user) -> None:
    if not user.has_module_perm("fieldwork", "view"):
        raise PermissionDenied(_("您没有查看“下基层”模块的权限。"))


def require_edit(user) -> None:
    if not user.has_module_perm("fieldwork", "edit"):
        raise PermissionDenied(_("您没有编辑“下基层”模块的权限。"))


def survey_month(request) -> int:
    """The needs-survey month of the campaign chosen in the top bar (April when there is none)."""
    campaign = current_campaign(request)
    return campaign.survey_month if campaign else 4


def int_param(request, name: str, low: int = 2000, high: int = 2100) -> int | None:
    value = request.GET.get(name, "")
    if value.isdigit() and low <= int(value) <= high:
        return int(value)
    return None


def area_for(request) -> Org:
    """The unit whose subtree a figures page shows: ``?area=<id>`` inside the scope, else the top of
    the user's scope. Out of scope: 404."""
    value = request.GET.get("area", "")
    if value:
        if not value.isdigit():
            raise Http404
        return get_visible_or_404(Org, request.user, pk=int(value))
    roots = user_scope(request.user).read_paths
    if not roots:
        raise PermissionDenied(_("您的账户还没有数据范围，请联系安全管理员。"))
    own = request.user.org
    if own is not None and own.path in roots:
        return own  # already loaded with the user's scope: no query
    if own is not None and any(own.path.startswith(p) for p in roots):
        return Org.objects.get(path=next(p for p in roots if own.path.startswith(p)))
    return Org.objects.get(path=roots[0])


def lineage_links(area: Org, user) -> list[Org]:
    """The visible ancestors of ``area`` (for drilling back up the tree), root first."""
    return list(Org.objects.visible_to(user).filter(path__in=area.ancestor_paths()).order_by("depth"))
