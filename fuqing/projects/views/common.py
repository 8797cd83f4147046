"""What every projects page needs: the year, the unit in view, the date figures are shown at."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from fuqing.core.context_processors import requested_year, selected_year
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org
from fuqing.projects import metrics
from fuqing.projects.services.projects import campaign_for_org
from fuqing.projects.units import FEDERATION_KINDS, children_of, default_unit  # noqa: F401 (the pages' imports)


def page_year(request) -> int:
    """The year a projects page shows: the one its address asks for (drill-down links carry it), else
    the year chosen in the top bar."""
    return requested_year(request) or selected_year(request)


def selected_unit(request) -> Org | None:
    raw = request.GET.get("org", "")
    if raw.isdigit():
        return get_visible_or_404(Org, request.user, pk=int(raw))
    return default_unit(request.user)


def requested_date(request) -> datetime.date | None:
    raw = request.GET.get("as_of", "")
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def view_date(request, unit: Org, year: int):
    """(the campaign, the date figures are shown at)."""
    campaign = campaign_for_org(unit, year) if unit else None
    if campaign is None:
        return None, None
    return campaign, metrics.view_date(campaign, timezone.localdate(), requested_date(request))


def as_of_choices(campaign, on) -> list[dict]:
    """Month ends of the campaign to look back at, and the default (today / the year's end)."""
    dates = set(metrics.month_ends(campaign, on))
    if on is not None:
        dates.add(on)
    return [{"date": day, "selected": day == on} for day in sorted(dates)]


def report_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def lineage(unit: Org, user) -> list[Org]:
    """The unit's visible ancestors and the unit, root first (for the drill-down breadcrumb)."""
    return list(
        Org.objects.visible_to(user).filter(path__in=[*unit.ancestor_paths(), unit.path]).order_by("depth")
    )
