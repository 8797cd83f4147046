"""What every page's frame shows: the campaign year, the user's place in the tree, the navigation.

``current_campaign(request)`` and ``selected_year(request)`` give every view the campaign year the user
chose in the top bar (UI.md: switching it changes every page).

Core knows no app: the app that keeps campaigns tells core how to find them (``core.years``), and any
app may add to every page's context (``register_context``), both from its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from fuqing.core import frame
from fuqing.core.reminders import request_unread_count

YEAR_SESSION_KEY = "fuqing_campaign_year"

_CONTEXT: list[Callable] = []


def register_context(func: Callable) -> Callable:
    """``func(request) -> dict`` adds to the context of every signed-in page (the frame's extras)."""
    if func not in _CONTEXT:
        _CONTEXT.append(func)
    return func


def current_campaign(request):
    """The campaign of the year chosen in the top bar (default: the latest visible), once per request."""
    if not hasattr(request, "_fuqing_campaign"):
        user = getattr(request, "user", None)
        request._fuqing_campaign = (
            frame.campaign(user, request.session.get(YEAR_SESSION_KEY))
            if user and user.is_authenticated
            else None
        )
    return request._fuqing_campaign


def selected_year(request) -> int:
    campaign = current_campaign(request)
    return campaign.year if campaign else timezone.localdate().year


def requested_year(request) -> int | None:
    """A year the page's address asks for (``?year=2014``, as drill-down links carry it), else None."""
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def list_year(request, searching: bool = False) -> int | None:
    """The year a list shows: the one its address asks for; every year (None) when ``?year=`` is left
    empty or the list is searched; otherwise the year chosen in the top bar."""
    year = requested_year(request)
    if year is not None:
        return year
    if searching or "year" in request.GET:
        return None
    return selected_year(request)


def platform(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Cached until what they read changes (core.frame): the fixed cost of every signed-in page.
    nav_sections, field_actions = frame.navigation(user)
    context = {
        "nav_sections": nav_sections,
        "nav_html": frame.navigation_html(request, nav_sections),
        "field_actions": field_actions,
        "current_campaign": current_campaign(request),
        "campaign_years": frame.campaign_years(user),
        "user_lineage": frame.lineage(user),
        "today": timezone.localdate(),
        # The bell in the top bar: a callable, so it is counted only when a page draws it (once).
        "reminder_unread": lambda: request_unread_count(request),
    }
    for func in _CONTEXT:
        context.update(func(request))
    return context
