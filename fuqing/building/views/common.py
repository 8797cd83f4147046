"""What every building page needs: the unit in view, its children, the year, paging, permissions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.building.coverage import as_of_for
from fuqing.building.units import children_of, default_unit  # noqa: F401 (the pages' imports)
from fuqing.core.context_processors import requested_year, selected_year
from fuqing.core.permissions import require
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org


def require_view(user) -> None:
    require(user, "building", "view")


def require_edit(user) -> None:
    require(user, "building", "edit")


def can_edit(user) -> bool:
    return user.has_module_perm("building", "edit")


def can_export(user) -> bool:
    return user.has_module_perm("building", "export")


def page_year(request) -> int:
    return requested_year(request) or selected_year(request)


def as_of(year: int):
    return as_of_for(year, timezone.localdate())


def selected_unit(request) -> Org | None:
    raw = request.GET.get("org", "")
    if raw.isdigit() and len(raw) < 19:
        return get_visible_or_404(Org, request.user, pk=int(raw))
    return default_unit(request.user)


def lineage(unit: Org, user) -> list[Org]:
    return list(
        Org.objects.visible_to(user).filter(path__in=[*unit.ancestor_paths(), unit.path]).order_by("depth")
    )


def paginate(request, qs, per_page: int = 50):
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(qs, per_page).get_page(request.GET.get("page")), params.urlencode()


def report(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def denied(request, exc: PermissionDenied) -> None:
    messages.error(request, str(exc) or _("您没有该操作的权限。"))
