"""SUP-3 / CAM-2 at scale: the activity summary of the whole province (figures + Word draft), and the
completeness table down the tree, against the same aggregates in raw SQL.

    python bench/run.py campaigns --scale province

Uses the synthetic data in the bench database (``manage.py synth`` steps; run here when the database is
empty). The registers of visits, needs, women and reports are filled by their own apps' synth steps; on
a branch without them those tables may be empty — each line reports the row counts it ran over. Set
FQ_BENCH_FILL=<n> to insert n synthetic visits, needs and women (and n/50 reports) first when the tables
are empty, spread over the tree's communities and 2014.
"""

from __future__ import annotations

import datetime
import os
import random

from bench.common import emit, max_rss_mb, timed, traced_memory


def _prepare(scale: str) -> None:
    from django.core.management import call_command

    from fuqing.orgs.models import Org

    call_command("migrate", verbosity=0)
    if not Org.objects.exists():
        with open(os.devnull, "w") as quiet:
            call_command("synth", scale=scale, only=["orgs", "users", "campaigns"], stdout=quiet)
    fill = int(os.environ.get("FQ_BENCH_FILL", "0") or 0)
    if fill:
        _fill(fill)
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics after bulk loads (both engines)
        cursor.execute("ANALYZE")


def _fill(n: int) -> None:
    """Synthetic rows of the contract registers (only into empty tables)."""
    from fuqing.assistance.models import Need
    from fuqing.fieldwork.models import Visit, VisitGroupCount, VisitMethod
    from fuqing.orgs.models import Org, OrgKind
    from fuqing.registry.models import VulnerableGroup, Woman
    from fuqing.research.models import Report

    if Visit.objects.exists():
        return
    rng = random.Random(2014)
    groups = list(VulnerableGroup.objects.values_list("pk", flat=True))
    communities = list(Org.objects.filter(kind=OrgKind.COMMUNITY).values_list("pk", flat=True))
    districts = list(Org.objects.filter(kind=OrgKind.DISTRICT).values_list("pk", flat=True))
    methods = VisitMethod.values
    start = datetime.date(2014, 1, 1)

    def day() -> datetime.date:
        # a third in April (the survey month), the rest over the year
        if rng.random() < 0.34:
            return datetime.date(2014, 4, rng.randint(1, 30))
        return start + datetime.timedelta(days=rng.randint(0, 364))

    batch = 5000
    for offset in range(0, n, batch):
        size = min(batch, n - offset)
        visits = []
        for _ in range(size):
            d = day()
            women_met = rng.randint(3, 30)
            visits.append(
                Visit(
                    org_id=rng.choice(communities),
                    started_on=d,
                    ended_on=d,
                    method=rng.choice(methods),
                    women_met=women_met,
                )
            )
        Visit.objects.bulk_create(visits, batch_size=900)
        VisitGroupCount.objects.bulk_create(
            [
                VisitGroupCount(visit_id=v.pk, group_id=g, count=rng.randint(1, v.women_met))
                for v in visits
                for g in rng.sample(groups, rng.randint(0, 2))
            ],
            batch_size=900,
        )
        women = [Woman(org_id=v.org_id, name="合成", registered_on=v.started_on) for v in visits]
        Woman.objects.bulk_create(women, batch_size=900)
        Need.objects.bulk_create(
            [
                Need(
                    org_id=v.org_id,
                    woman_id=w.pk,
                    visit_id=v.pk,
                    description="合成",
                    reported_on=v.started_on,
                    status=rng.choice(["open", "resolved", "resolved", "counselled", "escalated"]),
                )
                for v, w in zip(visits, women, strict=True)
            ],
            batch_size=900,
        )
    Report.objects.bulk_create(
        [Report(org_id=rng.choice(districts), year=2014, title="合成报告") for _ in range(max(1, n // 50))],
        batch_size=900,
    )


def _counts() -> dict:
    from fuqing.assistance.models import Need
    from fuqing.campaigns.models import Obligation
    from fuqing.fieldwork.models import Visit
    from fuqing.orgs.models import Org
    from fuqing.registry.models import Woman
    from fuqing.research.models import Report

    return {
        "orgs": Org.objects.count(),
        "visits": Visit.objects.count(),
        "needs": Need.objects.count(),
        "women": Woman.objects.count(),
        "reports": Report.objects.count(),
        "obligations": Obligation.objects.count(),
    }


VISITS = (
    "SELECT method, COUNT(*) FROM fieldwork_visit t {join} AND started_on BETWEEN %s AND %s GROUP BY method"
)
WOMEN_MET = "SELECT SUM(women_met) FROM fieldwork_visit t {join} AND started_on BETWEEN %s AND %s"
WOMEN_MET_BY_GROUP = (
    "SELECT g.name, SUM(c.count) FROM fieldwork_visitgroupcount c "
    "JOIN fieldwork_visit t ON t.id = c.visit_id "
    "JOIN registry_vulnerablegroup g ON g.id = c.group_id {join} AND t.started_on BETWEEN %s AND %s "
    "GROUP BY g.name"
)
WOMEN = (
    "SELECT COUNT(*) FROM registry_woman t {join} AND registered_on BETWEEN %s AND %s AND status = 'active'"
)
NEEDS = (
    "SELECT status, COUNT(*) FROM assistance_need t {join} AND reported_on BETWEEN %s AND %s GROUP BY status"
)
REPORTS = "SELECT status, COUNT(*) FROM research_report t {join} AND year = %s GROUP BY status"
JOIN = "JOIN orgs_org o ON o.id = t.org_id WHERE o.path >= %s AND o.path < %s"


def _raw_figures(scope) -> None:
    """The same aggregates as the figure providers, hand-written SQL over the subtree's path range."""
    from django.db import connection

    from fuqing.core.scoping import path_upper

    low, high = scope.org.path, path_upper(scope.org.path) or "~"
    period = (scope.start, scope.end)
    queries = [
        (VISITS.format(join=JOIN), period),
        (WOMEN_MET.format(join=JOIN), period),
        (WOMEN_MET_BY_GROUP.format(join=JOIN), period),
        (WOMEN.format(join=JOIN), period),
        (NEEDS.format(join=JOIN), period),
        (NEEDS.format(join=JOIN) + " HAVING status = 'resolved'", period),
        (REPORTS.format(join=JOIN), (scope.year,)),
    ]
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, (low, high, *params))
            cursor.fetchall()


def _summary(scope) -> dict:
    """Figures, then the Word draft, timed apart; peak memory in a second, traced run."""
    from fuqing.campaigns.summaries import build_document, draft_path, summary_figures

    with timed() as figures_clock:
        figs = summary_figures(scope)
    with timed() as document_clock:
        path = draft_path()
        build_document(scope, figs).save(str(path))
    size = path.stat().st_size
    path.unlink()
    with traced_memory() as memory:
        path = draft_path()
        build_document(scope, summary_figures(scope)).save(str(path))
    path.unlink()
    return {
        "figures_seconds": round(figures_clock["seconds"], 3),
        "document_seconds": round(document_clock["seconds"], 3),
        "seconds": round(figures_clock["seconds"] + document_clock["seconds"], 3),
        "peak_mb": memory["peak_mb"],
        "docx_kb": round(size / 1024, 1),
    }


def run(args) -> None:
    _prepare(args.scale)
    from fuqing.campaigns.models import Campaign, Obligation
    from fuqing.campaigns.submissions import counts_by_branch, counts_by_deadline
    from fuqing.campaigns.summaries import summary_scope
    from fuqing.core.figures import ANNUAL, SURVEY_MONTH
    from fuqing.orgs.models import Org, OrgKind

    counts = _counts()
    root = Org.objects.filter(depth=1).order_by("path").first()
    campaign = Campaign.objects.filter(org=root).order_by("-year").first()
    district = Org.objects.filter(kind=OrgKind.DISTRICT).order_by("path").first()
    for label, org in (("province" if args.scale == "province" else "city", root), ("district", district)):
        for kind in (SURVEY_MONTH, ANNUAL):
            scope = summary_scope(org, campaign, kind)
            _summary(scope)  # warm caches and imports once
            measured = _summary(scope)
            with timed() as base:
                _raw_figures(scope)
            emit(
                scenario=f"campaigns.summary.{label}.{kind}",
                scale=args.scale,
                baseline_seconds=round(base["seconds"], 4),
                max_rss_mb=max_rss_mb(),
                **measured,
                **counts,
            )
    today = datetime.date(2014, 12, 31)
    obligations = Obligation.objects.filter(deadline__campaign=campaign, is_owed=True)
    with traced_memory() as memory, timed() as clock:
        counts_by_deadline(obligations, today)
        branches = counts_by_branch(obligations, root, today)
    from django.db import connection

    with timed() as base, connection.cursor() as cursor:
        cursor.execute(
            "SELECT deadline_id, COUNT(*) FROM campaigns_obligation WHERE is_owed GROUP BY deadline_id"
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT substr(o.path, 1, %s), COUNT(*) FROM campaigns_obligation t "
            "JOIN orgs_org o ON o.id = t.org_id WHERE t.is_owed GROUP BY 1",
            [(root.depth + 1) * 4],
        )
        cursor.fetchall()
    emit(
        scenario="campaigns.status_table.root",
        scale=args.scale,
        seconds=round(clock["seconds"], 4),
        baseline_seconds=round(base["seconds"], 4),
        peak_mb=memory["peak_mb"],
        branches=len(branches),
        obligations=obligations.count(),
    )
