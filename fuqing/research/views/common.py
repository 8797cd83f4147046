"""Small helpers the research pages share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from fuqing.core.context_processors import YEAR_SESSION_KEY
from fuqing.core.permissions import require


def require_view(user) -> None:
    require(user, "research", "view")


def current_year(request) -> int:
    """The campaign year the user chose in the top bar (else the current campaign's, else this year)."""
    from django.utils import timezone

    from fuqing.campaigns.services import campaign_for

    campaign = campaign_for(request.user, request.session.get(YEAR_SESSION_KEY))
    return campaign.year if campaign else timezone.localdate().year


def report_errors(request, exc: Exception) -> None:
    """Service errors as messages (for actions that redirect back)."""
    if isinstance(exc, ValidationError):
        for error in exc.messages:
            messages.error(request, error)
    elif isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("您没有这项操作的权限。"))


def querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
