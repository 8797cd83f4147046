"""Home-page panels: each app adds the panels of its work; a user sees those her role allows (UI.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable  # (request) -> dict, or None to hide the panel
    order: int = 100
    perm: tuple[str, str] | None = None
    ability: str | None = None
    # A panel of a unit's figures (no one's own to-do) may be computed once for everyone of the same scope
    # and roles, by one request at a time, and served for this many seconds with its "as of" time
    # (``ctx.as_of``; D87's ``core.computed.shared``). 0: computed on every visit.
    shared_seconds: int = 0


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _PANELS[panel.name] = panel


def panels_for(request) -> list[dict]:
    user = request.user
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        if panel.perm and not user.has_module_perm(*panel.perm):
            continue
        if panel.ability and not user.has_admin_ability(panel.ability):
            continue
        context = _shared_context(panel, request) if panel.shared_seconds else panel.context(request)
        if context is None:
            continue
        shown.append({"name": panel.name, "template": panel.template, "context": context})
    return shown


def _shared_context(panel: Panel, request):
    from django.utils import timezone

    from fuqing.core import frame
    from fuqing.core.computed import shared
    from fuqing.core.context_processors import selected_year

    user = request.user
    parts = (
        panel.name,
        frame._scope_parts(user),
        user.org_id,
        tuple(sorted(r.pk for r in user.role_list)),
        selected_year(request),
        frame.get_language(),
        timezone.localdate(),
    )
    key = frame._key("panel", *parts)
    computed = shared(key, lambda: panel.context(request), panel.shared_seconds)
    if computed.value is None:
        return None
    return {**computed.value, "as_of": computed.at}


# --- home pages other than the panels -------------------------------------------------------------
# An app may give some users a home page of its own (the city chair's is her dashboard, RPT-1): each
# registered function answers a response for the request, or None to leave it to the next / the panels.

_HOME_PAGES: list[Callable] = []


def register_home_page(func: Callable) -> None:
    if func not in _HOME_PAGES:
        _HOME_PAGES.append(func)


def home_page_for(request):
    for func in _HOME_PAGES:
        response = func(request)
        if response is not None:
            return response
    return None
