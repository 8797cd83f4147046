"""Field-work figures for the whole tree (FLD-4, FLD-5): the compliance view and the survey-month page as
the root's leader sees them, against the same aggregates in hand-written SQL, measured in the same run.

    DATABASE_URL=postgres://… .venv/bin/python bench/run.py fieldwork --scale province

Needs synthetic data (``manage.py synth --scale province``); runs the synth itself on an empty database.
Prints one JSON line per scenario: milliseconds per request, the SQL baseline, their ratio, queries.
``fixed_page_ms`` is what any page costs in the same run (session, login, scope, navigation), and the
``*-aggregate`` lines time the platform's aggregate alone (no request) against the same SQL.
"""

from __future__ import annotations

import statistics
import time

from bench.common import emit

YEAR = 2014
RUNS = 7

COMPLIANCE_SQL = """
SELECT u.id, u.username, u.name, u.position, u.rank, o.name,
       COALESCE((SELECT COUNT(DISTINCT d.day) FROM fieldwork_visitday d
                 WHERE d.user_id = u.id AND d.day >= %s AND d.day <= %s), 0) AS days
FROM orgs_user u
JOIN orgs_org o ON o.id = u.org_id
WHERE o.path >= %s AND o.path < %s AND u.is_active AND u.rank IN ('bureau', 'division')
ORDER BY days, o.path, u.name, u.id
"""
SURVEY_VISITS_SQL = """
SELECT SUBSTR(o.path, 1, %s) AS unit, v.method, COUNT(v.id), SUM(v.women_met),
       COUNT(CASE WHEN v.led_by_leader THEN 1 END)
FROM fieldwork_visit v JOIN orgs_org o ON o.id = v.org_id
WHERE o.path >= %s AND o.path < %s AND v.started_on >= %s AND v.started_on <= %s
GROUP BY SUBSTR(o.path, 1, %s), v.method
"""
SURVEY_GROUPS_SQL = """
SELECT SUBSTR(o.path, 1, %s) AS unit, g.group_id, SUM(g.count)
FROM fieldwork_visitgroupcount g
JOIN fieldwork_visit v ON v.id = g.visit_id
JOIN orgs_org o ON o.id = v.org_id
WHERE o.path >= %s AND o.path < %s AND v.started_on >= %s AND v.started_on <= %s
GROUP BY SUBSTR(o.path, 1, %s), g.group_id
"""


def _ensure_data(scale: str) -> None:
    from django.core.management import call_command

    from fuqing.fieldwork.models import Visit
    from fuqing.orgs.models import Org

    call_command("migrate", verbosity=0)
    if Visit.objects.exists():
        return
    started = time.perf_counter()
    if Org.objects.exists():
        call_command("synth", scale=scale, only=["fieldwork"])
    else:
        call_command("synth", scale=scale)
    emit(scenario="fieldwork-synth", scale=scale, seconds=round(time.perf_counter() - started, 1),
         visits=Visit.objects.count())  # fmt: skip


def _leader():
    from fuqing.orgs.models import Org, Position, User

    root = Org.objects.filter(depth=1).order_by("path").first()
    return User.objects.filter(org=root, position=Position.CHAIR, is_active=True).first(), root


def _client(user):
    from django.test import Client

    from fuqing.core.middleware import LOGIN_AT

    client = Client()
    client.force_login(user)
    session = client.session
    session[LOGIN_AT] = time.time()
    session.save()
    return client


def _time_page(client, url: str) -> tuple[float, int, int]:
    """Median seconds per request (timed without query capture), the queries of one request, bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches and the connection
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured)  # read now: the next request resets the connection's query log
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times), queries, len(response.content)


def _time_sql(statements: list[tuple[str, list]]) -> float:
    from django.db import connection

    times = []
    for _ in range(RUNS + 1):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def _time_call(func) -> float:
    func()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(args) -> None:
    import datetime

    from django.db import connection

    from fuqing.core.scoping import path_upper
    from fuqing.fieldwork import stats
    from fuqing.fieldwork.models import Visit, VisitDay
    from fuqing.orgs.models import Org

    _ensure_data(args.scale)
    leader, root = _leader()
    client = _client(leader)
    upper = path_upper(root.path) or "\uffff"
    rows = {"visits": Visit.objects.count(), "visit_days": VisitDay.objects.count()}
    # What any page costs here (session, login, scope, navigation): measured so the ratios can be read.
    fixed, _queries, _size = _time_page(client, "/jobs/")
    rows["fixed_page_ms"] = round(fixed * 1000, 1)

    seconds, queries, size = _time_page(client, f"/fieldwork/days/?year={YEAR}")
    start, end = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    baseline = _time_sql([(COMPLIANCE_SQL, [start, end, root.path, upper])])
    emit(
        scenario="fieldwork-compliance-view",
        engine=connection.vendor,
        scale=args.scale,
        **rows,
        ms=round(seconds * 1000, 1),
        baseline_ms=round(baseline * 1000, 1),
        seconds=seconds,
        baseline_seconds=baseline,
        ratio_beyond_fixed_page=round((seconds * 1000 - rows["fixed_page_ms"]) / (baseline * 1000), 2),
        queries=queries,
        bytes=size,
    )

    seconds = _time_call(lambda: stats.compliance_rows(leader, root, YEAR))
    emit(
        scenario="fieldwork-compliance-aggregate",
        engine=connection.vendor,
        scale=args.scale,
        ms=round(seconds * 1000, 1),
        baseline_ms=round(baseline * 1000, 1),
        seconds=seconds,
        baseline_seconds=baseline,
    )

    seconds, queries, size = _time_page(client, f"/fieldwork/survey-month/?year={YEAR}")
    width = len(root.path) + Org.steplen
    month = (datetime.date(YEAR, 4, 1), datetime.date(YEAR, 4, 30))
    params = [width, root.path, upper, *month, width]
    baseline = _time_sql([(SURVEY_VISITS_SQL, params), (SURVEY_GROUPS_SQL, params)])
    emit(
        scenario="fieldwork-survey-month",
        engine=connection.vendor,
        scale=args.scale,
        **rows,
        ms=round(seconds * 1000, 1),
        baseline_ms=round(baseline * 1000, 1),
        seconds=seconds,
        baseline_seconds=baseline,
        ratio_beyond_fixed_page=round((seconds * 1000 - rows["fixed_page_ms"]) / (baseline * 1000), 2),
        queries=queries,
        bytes=size,
    )
    seconds = _time_call(lambda: stats.survey_month_figures(leader, root, YEAR, 4))
    emit(
        scenario="fieldwork-survey-month-aggregate",
        engine=connection.vendor,
        scale=args.scale,
        ms=round(seconds * 1000, 1),
        baseline_ms=round(baseline * 1000, 1),
        seconds=seconds,
        baseline_seconds=baseline,
    )
