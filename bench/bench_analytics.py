"""Analytics tables (issue 16 point 1): the dashboard's materialised figures read from the analytics
cells against the same figures recomputed from the registers, measured in the same run; the full
rebuild's time and the worker's refresh of one changed unit-day.

    DATABASE_URL=postgres://… .venv/bin/python bench/run.py analytics --scale city

Needs synthetic data (``manage.py synth``). The benchmark rebuilds the analytics tables (that is one of
its measures; it writes nothing else). One JSON line per scenario:

- ``analytics-rebuild``: ``manage.py rebuild_analytics`` (every fact, one transaction), seconds and cells;
- ``analytics-figures``: every materialised figure of the city and its children, this year and last
  year's same span (the dashboard's reads), from the cells against recomputed (``ratio`` = cells / rows),
  with a check that both give the same figures;
- ``analytics-dashboard``: the whole city dashboard (``board.build``) with the cells against without;
- ``analytics-refresh``: one visit's unit-day marked and refreshed (the worker's task), milliseconds.
"""

from __future__ import annotations

import datetime
import statistics
import time

from bench.common import emit

YEAR = 2014
RUNS = 5


def _median(func) -> float:
    func()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(args) -> None:
    from django.conf import settings
    from django.db import connection

    from fuqing.core import analytics
    from fuqing.core.analytics_models import AnalyticsCell
    from fuqing.core.figures import compute_for_units
    from fuqing.dashboard import board
    from fuqing.fieldwork.models import Visit
    from fuqing.orgs.models import Org, OrgKind, Position, User

    city = Org.objects.filter(kind=OrgKind.CITY, is_active=True).order_by("path").first()
    chair = User.objects.filter(org=city, position=Position.CHAIR, is_active=True).first()
    if city is None or chair is None:
        emit(scenario="analytics", skipped="no city with a chair: run manage.py synth first")
        return
    common = {"engine": connection.vendor, "scale": args.scale}

    started = time.perf_counter()
    built = analytics.rebuild()
    rebuild = time.perf_counter() - started
    emit(
        scenario="analytics-rebuild",
        **common,
        seconds=round(rebuild, 2),
        facts={k: round(v, 2) for k, v in built.items()},
        cells=AnalyticsCell.objects.count(),
        visits=Visit.objects.count(),
    )

    today = datetime.date(YEAR, 12, 31)
    units = [city, *board.children_of(city, chair)]
    keys = [m.key for m in analytics.materialised()]

    def figures():
        found = {}
        for scope in board.periods(YEAR, chair, today):
            for key in keys:
                found[(key, scope.start)] = compute_for_units(key, scope, units)
        return found

    served = figures()
    served_ms = _median(figures) * 1000
    settings.ANALYTICS_ENABLED = False
    try:
        live = figures()
        live_ms = _median(figures) * 1000
        dashboard_live_ms = _median(lambda: board.build(city, YEAR, chair, today=today)) * 1000
    finally:
        settings.ANALYTICS_ENABLED = True
    dashboard_ms = _median(lambda: board.build(city, YEAR, chair, today=today)) * 1000
    emit(
        scenario="analytics-figures",
        **common,
        units=len(units),
        figures=keys,
        ms=round(served_ms, 1),
        recomputed_ms=round(live_ms, 1),
        ratio=round(served_ms / live_ms, 3) if live_ms else None,
        equal=served == live,
    )
    emit(
        scenario="analytics-dashboard",
        **common,
        ms=round(dashboard_ms, 1),
        recomputed_ms=round(dashboard_live_ms, 1),
        ratio=round(dashboard_ms / dashboard_live_ms, 3) if dashboard_live_ms else None,
    )

    visit = Visit.objects.filter(org__path__startswith=city.path).order_by("started_on").last()
    if visit is not None:
        started = time.perf_counter()
        analytics.changed_rows(Visit.objects.filter(pk=visit.pk))
        analytics.refresh()
        emit(
            scenario="analytics-refresh",
            **common,
            unit_days=1,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
