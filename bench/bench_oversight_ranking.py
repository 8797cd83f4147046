"""The assessment ranking (SUP-1, issue 13): every district and every street of the tree ranked under
one scheme, through the figures registry (``compute_for_units``), against the same figures computed by
hand in SQL, and the ranking page against a bare page — all measured in the same run.

    DATABASE_URL=postgres://… .venv/bin/python bench/run.py oversight --scale province

Needs synthetic data (``manage.py synth``); runs the synth itself on an empty database (only the
oversight step when the rest is there). One JSON line per scenario: milliseconds, the SQL baseline, their
ratio, and the number of queries — bounded whatever the number of units.

The hand-written baseline computes the figures with a plain SQL equivalent (cadres at 60 days, needs
resolved and closed in time, key topics, obligations on time, inspectors' scores); the split-targets
figure (``projects.metrics``, monthly reports and beneficiaries rolled up per depth) has no short SQL
equivalent and is timed apart (``oversight-ranking-aggregate-without-targets``).

A database that has the tree but no scheme of the year gets only the oversight step of the synth; set
``FUQING_BENCH_READ_ONLY=1`` to refuse that (a shared province database): the benchmark then says so and
measures nothing.
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

LEADER_DAYS_SQL = """
SELECT SUBSTR(o.path, 1, %(w)s), COUNT(*), COUNT(CASE WHEN d.n >= 60 THEN 1 END)
FROM orgs_user u JOIN orgs_org o ON o.id = u.org_id
LEFT JOIN (SELECT user_id, COUNT(DISTINCT day) AS n FROM fieldwork_visitday
           WHERE day >= %(s)s AND day <= %(e)s GROUP BY user_id) d ON d.user_id = u.id
WHERE u.is_active AND u.rank IN ('bureau', 'division') AND LENGTH(o.path) >= %(w)s
GROUP BY SUBSTR(o.path, 1, %(w)s)
"""
NEEDS_SQL = """
SELECT SUBSTR(o.path, 1, %(w)s), COUNT(*), COUNT(CASE WHEN n.status = 'resolved' THEN 1 END),
       COUNT(CASE WHEN n.closed_on IS NOT NULL
                   AND (n.review_on IS NULL OR n.closed_on <= n.review_on) THEN 1 END)
FROM assistance_need n JOIN orgs_org o ON o.id = n.org_id
WHERE n.reported_on >= %(s)s AND n.reported_on <= %(e)s AND LENGTH(o.path) >= %(w)s
GROUP BY SUBSTR(o.path, 1, %(w)s)
"""
TOPICS_SQL = "SELECT org_id, COUNT(*) FROM research_topic WHERE year = %(y)s GROUP BY org_id"
OBLIGATIONS_SQL = """
SELECT ob.org_id, COUNT(*), COUNT(CASE WHEN ob.first_submitted_on <= d.due_on THEN 1 END)
FROM campaigns_obligation ob JOIN campaigns_deadline d ON d.id = ob.deadline_id
WHERE ob.is_owed AND d.due_on >= %(s)s AND d.due_on <= %(e)s GROUP BY ob.org_id
"""
SCORES_SQL = """
SELECT s.unit_id, s.item_id, s.points FROM oversight_inspectorscore s
JOIN oversight_item i ON i.id = s.item_id WHERE i.scheme_id = %(scheme)s
"""


def _ensure_data(scale: str) -> None:
    from django.core.management import call_command

    from fuqing.orgs.models import Org
    from fuqing.oversight.models import Scheme

    if os.environ.get("FUQING_BENCH_READ_ONLY"):
        return
    call_command("migrate", verbosity=0)
    if Scheme.objects.filter(year=YEAR).exists():
        return
    from fuqing.orgs.demo import ensure_builtin_rows

    ensure_builtin_rows()  # roles and dictionaries, should a flush have removed them
    started = time.perf_counter()
    call_command("synth", scale=scale, only=["oversight"] if Org.objects.exists() else None)
    emit(scenario="oversight-synth", scale=scale, seconds=round(time.perf_counter() - started, 1))


def _median(func) -> float:
    func()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _hand_sql(scheme, widths) -> None:
    from django.db import connection

    params = {
        "s": datetime.date(YEAR, 1, 1),
        "e": datetime.date(YEAR, 12, 31),
        "y": YEAR,
        "scheme": scheme.pk,
    }
    with connection.cursor() as cursor:
        for width in widths:
            for sql in (LEADER_DAYS_SQL, NEEDS_SQL):
                cursor.execute(sql, params | {"w": width})
                cursor.fetchall()
        for sql in (TOPICS_SQL, OBLIGATIONS_SQL, SCORES_SQL):
            cursor.execute(sql, params)
            cursor.fetchall()


def run(args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fuqing.orgs.models import Org, OrgKind, User
    from fuqing.oversight.models import Scheme
    from fuqing.oversight.services import scoring

    _ensure_data(args.scale)
    scheme = Scheme.objects.filter(year=YEAR).select_related("org").order_by("org__path").first()
    if scheme is None:
        emit(scenario="oversight-ranking", skipped=f"no scheme of {YEAR}: run manage.py synth first")
        return
    districts = list(Org.objects.filter(kind=OrgKind.DISTRICT, is_active=True).order_by("path"))
    streets = list(Org.objects.filter(kind=OrgKind.TOWNSHIP, is_active=True).order_by("path"))
    units = districts + streets
    widths = sorted({len(u.path) for u in units})
    rows = {"districts": len(districts), "streets": len(streets), "items": scheme.items.count()}

    def rank_all():
        scoring.rank(scoring.live_sheets(scheme, districts))
        scoring.rank(scoring.live_sheets(scheme, streets))

    with CaptureQueriesContext(connection) as captured:
        rank_all()
    queries = len(captured)
    seconds = _median(rank_all)
    baseline = _median(lambda: _hand_sql(scheme, widths))
    emit(
        scenario="oversight-ranking-aggregate",
        engine=connection.vendor,
        scale=args.scale,
        **rows,
        ms=round(seconds * 1000, 1),
        baseline_ms=round(baseline * 1000, 1),
        seconds=seconds,
        baseline_seconds=baseline,
        queries=queries,
    )

    # the same without the split-targets item, which the hand SQL does not compute
    kept = list(scheme.items.exclude(figure_key="oversight.targets_met_rate"))

    def rank_no_targets():
        scoring.rank(scoring.live_sheets(scheme, districts, items=kept))
        scoring.rank(scoring.live_sheets(scheme, streets, items=kept))

    seconds = _median(rank_no_targets)
    emit(
        scenario="oversight-ranking-aggregate-without-targets",
        engine=connection.vendor,
        scale=args.scale,
        **rows,
        ms=round(seconds * 1000, 1),
        baseline_ms=round(baseline * 1000, 1),
        seconds=seconds,
        baseline_seconds=baseline,
    )

    if os.environ.get("FUQING_BENCH_READ_ONLY"):  # a login writes its session and last login
        emit(scenario="oversight-ranking-page", skipped="read-only database: no login, no page")
        return
    chair = next(
        (
            u
            for u in User.objects.filter(org=scheme.org, is_active=True)
            if u.has_module_perm("oversight", "view")
        ),
        None,
    )
    if chair is None:
        emit(scenario="oversight-ranking-page", skipped="no user of the city may view oversight")
        return
    client = _client(chair)
    fixed, _q, _size = _time_page(client, "/jobs/")
    seconds, queries, size = _time_page(client, f"/oversight/ranking/?year={YEAR}&level=district")
    emit(
        scenario="oversight-ranking-page",
        engine=connection.vendor,
        scale=args.scale,
        **rows,
        ms=round(seconds * 1000, 1),
        bare_page_ms=round(fixed * 1000, 1),
        seconds=seconds,
        baseline_seconds=fixed,
        queries=queries,
        bytes=size,
    )
