"""Projects roll-up benchmark (PRJ-3): the project overview of the whole tree's root — every indicator,
rolled up from the townships' reports, beneficiaries and pairs through every level — in ms per request,
against the same roll-up written by hand in SQL, measured in the same run; and the full roll-up of
every unit of four levels (province → city → district → township).

    python bench/run.py projects --scale province     # builds the province (synth) on first use

Needs a database with the synthetic tree and its projects; an empty one is filled with ``synth``'s
``orgs`` and ``projects`` steps (province: ~500k beneficiaries — minutes the first time).
"""

from __future__ import annotations

import datetime
import random
import statistics
import time

from bench.common import emit

YEAR = 2014
ON = datetime.date(YEAR, 12, 31)


def _ensure_data(scale: str):
    from django.core.management import call_command

    from fuqing.core.synth import SynthContext, steps
    from fuqing.orgs.models import Org
    from fuqing.projects.models import Project

    call_command("migrate", verbosity=0)
    if not Org.objects.exists():
        ctx = SynthContext(scale=scale, rng=random.Random(2014))
        for step in steps():
            if step.name in ("orgs", "projects"):
                started = time.perf_counter()
                step.func(ctx)
                emit(scenario=f"setup_synth_{step.name}", seconds=round(time.perf_counter() - started, 1))
    elif not Project.objects.filter(year=YEAR).exists():
        from fuqing.projects.synth import synth_projects

        synth_projects(SynthContext(scale=scale, rng=random.Random(2014)))
    root = Org.objects.filter(depth=1).exclude(kind="department").order_by("path").first()
    return root


def _viewer(root):
    from fuqing.orgs.models import Position, Role, User

    user, created = User.objects.get_or_create(
        username="bench_projects", defaults={"org": root, "name": "基准测试", "position": Position.CHAIR}
    )
    if created:
        user.roles.set([Role.objects.get(code="leader")])
    return user


# --- the roll-up written by hand -------------------------------------------------------------------

REPORTED = """
SELECT e.indicator_id, SUBSTR(o.path, 1, %(len)s) AS prefix, SUM(e.value)
FROM projects_progressentry e JOIN orgs_org o ON o.id = e.org_id
WHERE e.superseded_at IS NULL AND e.month <= %(on)s AND e.indicator_id IN ({ids})
  AND o.path >= %(lo)s AND o.path < %(hi)s
GROUP BY e.indicator_id, SUBSTR(o.path, 1, %(len)s)
"""
BENEFICIARIES_BY_KIND = """
SELECT b.project_id, b.help_kind, SUBSTR(o.path, 1, %(len)s) AS prefix,
       COUNT(*), SUM(b.amount), COUNT(DISTINCT CASE WHEN b.help_kind IN ({kinds}) THEN b.woman_id END)
FROM projects_beneficiary b JOIN orgs_org o ON o.id = b.org_id
WHERE b.received_on <= %(on)s AND b.project_id IN ({ids}) AND o.path >= %(lo)s AND o.path < %(hi)s
GROUP BY b.project_id, b.help_kind, SUBSTR(o.path, 1, %(len)s)
"""
BENEFICIARIES_ALL_KINDS = """
SELECT b.project_id, SUBSTR(o.path, 1, %(len)s) AS prefix, COUNT(DISTINCT b.woman_id)
FROM projects_beneficiary b JOIN orgs_org o ON o.id = b.org_id
WHERE b.received_on <= %(on)s AND b.project_id IN ({ids}) AND o.path >= %(lo)s AND o.path < %(hi)s
GROUP BY b.project_id, SUBSTR(o.path, 1, %(len)s)
"""
PAIRS = """
SELECT p.project_id, SUBSTR(o.path, 1, %(len)s) AS prefix,
       COUNT(*), COUNT(DISTINCT p.volunteer_id), COUNT(DISTINCT p.household_id)
FROM projects_volunteerpair p JOIN orgs_org o ON o.id = p.org_id
WHERE p.started_on <= %(on)s AND p.project_id IN ({ids}) AND o.path >= %(lo)s AND o.path < %(hi)s
GROUP BY p.project_id, SUBSTR(o.path, 1, %(len)s)
"""
TARGETS = """
SELECT indicator_id, org_id, value, draft FROM projects_target
WHERE indicator_id IN ({ids}) AND org_id IN ({orgs})
"""


def hand_rollup(root, depths: list[int], units: list) -> dict:
    """The same figures in plain SQL: one GROUP BY per source and depth, rows into dicts."""
    from django.db import connection

    from fuqing.core.scoping import path_upper

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.id, i.project_id, i.source, i.measure, i.help_kind FROM projects_indicator i "
            "JOIN projects_project p ON p.id = i.project_id WHERE p.year = %s AND p.org_id = %s",
            [YEAR, root.pk],
        )
        indicators = cursor.fetchall()
        reported = ",".join(str(i[0]) for i in indicators if i[2] == "reported")
        projects = ",".join(sorted({str(i[1]) for i in indicators if i[2] == "beneficiaries"}))
        pair_projects = ",".join(sorted({str(i[1]) for i in indicators if i[2] == "volunteer_pairs"}))
        women = [i for i in indicators if i[3] == "women"]
        kinds = ",".join(sorted({"'" + i[4] + "'" for i in women if i[4]})) or "''"
        all_kinds = ",".join(sorted({str(i[1]) for i in women if not i[4]})) or "0"
        result: dict = {}
        for depth in depths:
            params = {"len": 4 * depth, "on": ON, "lo": root.path, "hi": path_upper(root.path) or "Z"}
            for name, sql, ids in (
                ("reported", REPORTED, reported),
                ("by_kind", BENEFICIARIES_BY_KIND, projects),
                ("all_kinds", BENEFICIARIES_ALL_KINDS, all_kinds),
                ("pairs", PAIRS, pair_projects),
            ):
                cursor.execute(sql.format(ids=ids, kinds=kinds), params)
                result[(name, depth)] = {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}
        cursor.execute(
            TARGETS.format(
                ids=",".join(str(i[0]) for i in indicators), orgs=",".join(str(u.pk) for u in units)
            )
        )
        result["targets"] = {(r[0], r[1]): r[2] for r in cursor.fetchall()}
    return result


class QueryCounter:
    """Counts the queries a block runs (CaptureQueriesContext is reset by each request's signal)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _count_queries(func) -> int:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        func()
    return counter.count


def _time(func, repeat: int) -> float:
    func()  # warm caches
    samples = []
    for _n in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(args) -> None:
    from django.db import connection
    from django.test import Client

    from fuqing.orgs.models import Org
    from fuqing.projects import metrics
    from fuqing.projects.models import Beneficiary, Indicator, ProgressEntry, VolunteerPair

    root = _ensure_data(args.scale)
    if root is None:
        emit(scenario="projects_overview", skipped="no tree")
        return
    rows = {
        "progress_entries": ProgressEntry.objects.count(),
        "beneficiaries": Beneficiary.objects.count(),
        "pairs": VolunteerPair.objects.count(),
    }
    client = Client()
    client.force_login(_viewer(root))
    url = f"/projects/?org={root.pk}&year={YEAR}&as_of={ON:%Y-%m-%d}"
    assert client.get(url).status_code == 200
    queries = _count_queries(lambda: client.get(url))
    children = list(
        Org.objects.filter(path__startswith=root.path, depth=root.depth + 1, is_active=True).exclude(
            kind__in=["department", "womens_group"]
        )
    )
    seconds = _time(lambda: client.get(url), 5)
    baseline = _time(lambda: hand_rollup(root, [root.depth, root.depth + 1], [root, *children]), 5)
    emit(
        scenario=f"projects_overview_{args.scale}",
        rows=rows,
        indicators=Indicator.objects.filter(project__org=root, project__year=YEAR).count(),
        units=1 + len(children),
        queries=queries,
        ms_per_request=round(seconds * 1000, 1),
        seconds=round(seconds, 4),
        baseline_seconds=round(baseline, 4),
        engine=connection.vendor,
    )

    # A district's own overview (its townships' roll-up): what most users open.
    district = Org.objects.filter(path__startswith=root.path, kind="district").order_by("path").first()
    if district is not None:
        district_url = f"/projects/?org={district.pk}&year={YEAR}&as_of={ON:%Y-%m-%d}"
        assert client.get(district_url).status_code == 200
        emit(
            scenario=f"projects_overview_district_{args.scale}",
            rows=rows,
            queries=_count_queries(lambda: client.get(district_url)),
            ms_per_request=round(_time(lambda: client.get(district_url), 5) * 1000, 1),
            engine=connection.vendor,
        )

    # Every unit of the four levels below and including the root, every indicator.
    depths = list(range(root.depth, root.depth + 4))
    units = list(
        Org.objects.filter(path__startswith=root.path, depth__in=depths, is_active=True).exclude(
            kind__in=["department", "womens_group"]
        )
    )
    indicators = list(
        Indicator.objects.filter(project__org=root, project__year=YEAR).select_related(
            "project", "project__campaign", "project__org"
        )
    )
    queries = _count_queries(lambda: metrics.figures(indicators, units, ON))
    seconds = _time(lambda: metrics.figures(indicators, units, ON), 3)
    baseline = _time(lambda: hand_rollup(root, depths, units), 3)
    emit(
        scenario=f"projects_rollup_four_levels_{args.scale}",
        rows=rows,
        units=len(units),
        figures=len(units) * len(indicators),
        queries=queries,
        seconds=round(seconds, 4),
        baseline_seconds=round(baseline, 4),
        engine=connection.vendor,
    )
