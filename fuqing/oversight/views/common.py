"""Helpers the oversight pages share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from fuqing.core.permissions import require


def require_view(user) -> None:
    require(user, "oversight", "view")


def report_errors(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for error in exc.messages:
            messages.error(request, error)
    elif isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("您没有这项操作的权限。"))


def querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
