"""Small helpers shared by the assistance pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from fuqing.core.permissions import require
from fuqing.registry.models import Woman


def require_view(user) -> None:
    require(user, "assistance", "view")


def can_edit_module(user) -> bool:
    return user.has_module_perm("assistance", "edit")


def paginate(request, queryset, per_page: int = 50):
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def report_error(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for error in exc.messages:
            messages.error(request, error)
    elif isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("您没有这项操作的权限。"))
    else:
        raise exc


def woman_from(request, key: str = "woman"):
    """A woman named in the query string, if visible (for prefilled forms)."""

    value = request.GET.get(key) or request.POST.get(key)
    if not value:
        return None
    try:
        return Woman.objects.visible_to(request.user).active().filter(pk=value).first()
    except (ValueError, ValidationError):
        return None
