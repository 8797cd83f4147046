"""Home-page panels: a unit's lagging indicators for its leaders and cadres, and a volunteer's
households (UI.md: the home page is the user's work, by role)."""

from __future__ import annotations

from django.utils import timezone

from fuqing.core.home import Panel, register_panel
from fuqing.projects.access import is_volunteer_only

# The roll-up behind the panel reads every progress entry, beneficiary and pair under the unit (seconds for
# a city at province scale): it is computed by one request at a time and shared by every viewer of the
# unit (core.computed), recomputed when the projects' data changed (at most once a minute) or after
# LAGGING_FRESH_SECONDS, and the panel says when it was computed.
LAGGING_FRESH_SECONDS = 600
LAGGING_MIN_SECONDS = 60


def _lagging(request):
    from django.utils.translation import get_language

    from fuqing.core.computed import shared
    from fuqing.core.frame import generation
    from fuqing.core.scoping import user_scope
    from fuqing.projects.views.common import default_unit, page_year

    user = request.user
    if is_volunteer_only(user):
        return None
    unit = default_unit(user)
    if unit is None:
        return None
    year = page_year(request)
    today = timezone.localdate()
    # What the figures depend on: the unit, the year, the day, the viewer's scope (which children and
    # indicators she sees) and the language of the labels.
    scope = user_scope(user)
    key = "fuqing:projects:lagging:" + ":".join(
        str(p) for p in (unit.pk, unit.path, year, today.isoformat(), get_language(), *scope.read_paths)
    )
    computed = shared(
        key,
        lambda: _lagging_figures(user, unit, year, today),
        LAGGING_FRESH_SECONDS,
        version=generation("projects"),
        min_seconds=LAGGING_MIN_SECONDS,
    )
    if computed.value is None:
        return None
    return {**computed.value, "as_of": computed.at}


def _lagging_figures(user, unit, year, today) -> dict | None:
    from fuqing.projects import metrics
    from fuqing.projects.services.projects import campaign_for_org
    from fuqing.projects.views.common import children_of
    from fuqing.projects.views.overview import indicators_for

    campaign = campaign_for_org(unit, year)
    indicators = indicators_for(user, unit, year)
    if campaign is None or not indicators:
        return None
    on = metrics.view_date(campaign, today)
    children = children_of(unit, user)
    figures = metrics.figures(indicators, [unit, *children], on)
    own = [figures[(i.pk, unit.pk)] for i in indicators]
    lagging = sorted((f for f in own if f.is_lagging), key=lambda f: f.pace or 0)
    laggards = []
    for child in children:
        count = sum(1 for i in indicators if figures[(i.pk, child.pk)].is_lagging)
        if count:
            laggards.append({"org": child, "count": count})
    laggards.sort(key=lambda c: -c["count"])
    return {
        "unit": unit,
        "year": year,
        "on": on,
        "total": len(own),
        "lagging": lagging[:8],
        "lagging_count": len(lagging),
        "laggards": laggards[:6],
    }


def _my_households(request):
    from fuqing.projects.models import VolunteerPair

    user = request.user
    if not is_volunteer_only(user):
        return None
    pairs = list(
        VolunteerPair.objects.visible_to(user)
        .of_volunteer_user(user)
        .active()
        .select_related("household", "household__org")
        .order_by("-started_on")[:10]
    )
    return {"pairs": pairs}


register_panel(
    Panel("projects-lagging", "projects/panels/lagging.html", _lagging, order=40, perm=("projects", "view"))
)
register_panel(
    Panel(
        "projects-my-households",
        "projects/panels/my_households.html",
        _my_households,
        order=5,
        perm=("projects", "view"),
    )
)
