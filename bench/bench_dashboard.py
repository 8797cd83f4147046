"""The city's dashboard (RPT-1, issue 13): the figures of the city and of each of its children, this year
and the same span of last year, through the figures registry (``compute_for_units``) — against the same
figures computed by hand in SQL, and the dashboard page against a bare page, measured in the same run.

    DATABASE_URL=postgres://… .venv/bin/python bench/run.py dashboard --scale province

Needs synthetic data (``manage.py synth``; run it first — this benchmark does not generate it). One JSON
line per scenario: milliseconds, the baseline, and the number of queries — the same whatever the number
of children.

The hand SQL counts what the dashboard's register figures count (visits, grassroots days, needs by
status and by category, research reports by status, obligations owed and kept) for the city and its
children, both years; the building tallies and the split targets (``projects.metrics``, monthly reports
and beneficiaries rolled up) have no short SQL equivalent and are left out of both sides of the
``dashboard-registers`` comparison; ``dashboard-aggregate`` is the whole dashboard.
"""

from __future__ import annotations

import datetime
import os
import statistics
import time

from bench.bench_fieldwork_figures import _client, _time_page
from bench.common import emit

YEAR = 2014
RUNS = 5
REGISTERS = ("visit_count", "fieldwork.grassroots_days", "needs_found", "needs_by_category", "reports")

BY_UNIT = """
SELECT SUBSTR(o.path, 1, %(w)s), {group} COUNT(*) FROM {table} t JOIN orgs_org o ON o.id = t.org_id
WHERE t.{day} >= %(s)s AND t.{day} <= %(e)s AND o.path LIKE %(root)s
GROUP BY SUBSTR(o.path, 1, %(w)s) {groupby}
"""
HAND = [
    ("fieldwork_visit", "started_on", ""),
    ("assistance_need", "reported_on", "t.status"),
    ("assistance_need", "reported_on", "t.category_id"),
]
DAYS = """
SELECT SUBSTR(o.path, 1, %(w)s), COUNT(DISTINCT (COALESCE(CAST(d.user_id AS text), '') || d.day))
FROM fieldwork_visitday d JOIN fieldwork_visit v ON v.id = d.visit_id JOIN orgs_org o ON o.id = v.org_id
WHERE d.day >= %(s)s AND d.day <= %(e)s AND o.path LIKE %(root)s GROUP BY SUBSTR(o.path, 1, %(w)s)
"""
REPORTS = """
SELECT SUBSTR(o.path, 1, %(w)s), r.status, COUNT(*) FROM research_report r JOIN orgs_org o ON o.id = r.org_id
WHERE r.year = %(y)s AND o.path LIKE %(root)s GROUP BY SUBSTR(o.path, 1, %(w)s), r.status
"""


def _median(func) -> float:
    func()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _hand_sql(city, widths) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for year in (YEAR, YEAR - 1):
            params = {
                "s": datetime.date(year, 1, 1),
                "e": datetime.date(year, 12, 31),
                "y": year,
                "root": city.path + "%",
            }
            for width in widths:
                for table, day, group in HAND:
                    sql = BY_UNIT.format(
                        table=table,
                        day=day,
                        group=f"{group}," if group else "",
                        groupby=f", {group}" if group else "",
                    )
                    cursor.execute(sql, params | {"w": width})
                    cursor.fetchall()
                for sql in (DAYS, REPORTS):
                    cursor.execute(sql, params | {"w": width})
                    cursor.fetchall()


def run(args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fuqing.core.figures import compute_for_units
    from fuqing.dashboard import board
    from fuqing.orgs.models import Org, OrgKind, Position, User

    city = Org.objects.filter(kind=OrgKind.CITY, is_active=True).order_by("path").first()
    chair = User.objects.filter(org=city, position=Position.CHAIR, is_active=True).first()
    if city is None or chair is None:
        emit(scenario="dashboard", skipped="no city with a chair: run manage.py synth first")
        return
    today = datetime.date(YEAR, 12, 31)
    children = board.children_of(city, chair)
    units = [city, *children]
    widths = sorted({len(u.path) for u in units})
    rows = {"children": len(children)}

    def whole():
        board.build(city, YEAR, chair, today=today)

    def registers():
        for scope in board.periods(YEAR, chair, today):
            for key in REGISTERS:
                compute_for_units(key, scope, units)

    whole()  # the user's roles and scope cached, as on any page after the first
    with CaptureQueriesContext(connection) as captured:
        whole()
    queries = len(captured)
    seconds = _median(whole)
    baseline = _median(lambda: _hand_sql(city, widths))
    emit(
        scenario="dashboard-aggregate",
        engine=connection.vendor,
        scale=args.scale,
        **rows,
        ms=round(seconds * 1000, 1),
        hand_sql_registers_ms=round(baseline * 1000, 1),
        seconds=seconds,
        baseline_seconds=baseline,
        queries=queries,
    )
    seconds = _median(registers)
    emit(
        scenario="dashboard-registers",
        engine=connection.vendor,
        scale=args.scale,
        **rows,
        ms=round(seconds * 1000, 1),
        baseline_ms=round(baseline * 1000, 1),
        ratio=round(seconds / baseline, 2) if baseline else None,
    )

    if os.environ.get("FUQING_BENCH_READ_ONLY"):  # a login writes its session and last login
        emit(scenario="dashboard-page", skipped="read-only database: no login, no page")
        return
    client = _client(chair)
    bare, _q, _size = _time_page(client, "/jobs/")
    seconds, queries, size = _time_page(client, f"/dashboard/{city.pk}/?year={YEAR}")
    emit(
        scenario="dashboard-page",
        engine=connection.vendor,
        scale=args.scale,
        **rows,
        ms=round(seconds * 1000, 1),
        bare_page_ms=round(bare * 1000, 1),
        ratio=round(seconds / bare, 2) if bare else None,
        queries=queries,
        bytes=size,
    )
