"""The campaign year, a dimension of the whole platform (ARCHITECTURE.md, rule 6), without core naming the
app that keeps campaigns: that app registers, from its ``AppConfig.ready()``, how to find a user's
campaign of a year and the years she may switch between (``register_campaigns``). Core and every app ask
here (the top bar, ``core.context_processors.current_campaign``); with no campaigns app there is no
campaign and no year to switch to."""

from __future__ import annotations

from collections.abc import Callable

_CAMPAIGNS: dict[str, Callable] = {}


def register_campaigns(campaign_for: Callable, years_for: Callable) -> None:
    """``campaign_for(user, year or None)``: the campaign of that year (default: the latest) the user
    sees; ``years_for(user)``: the years of the top bar's switch."""
    _CAMPAIGNS.update(campaign_for=campaign_for, years_for=years_for)


def campaign_for(user, year: int | None):
    found = _CAMPAIGNS.get("campaign_for")
    return found(user, year) if found else None


def years_for(user) -> list[int]:
    found = _CAMPAIGNS.get("years_for")
    return found(user) if found else []
