"""The hot-issues page (NEED-5) at province scale: the whole province and one district.

Measures, in the same run: the page through the platform (request → HTML), its figures alone
(``hot_issues``), and the same counts in hand-written SQL. Needs data: ``manage.py synth --scale province``.

    FUQING_VAR_DIR=... DATABASE_URL=... .venv/bin/python bench/run.py assistance_hot
"""

from __future__ import annotations

import datetime
import statistics
import time

from bench.common import emit

REPEAT = 5


def _best(func, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def raw_counts(org, year: int, today: datetime.date, days: int) -> dict:
    """The page's figures in hand-written SQL (the baseline)."""
    from django.db import connection

    from fuqing.core.scoping import path_upper

    low, high = org.path, path_upper(org.path) or "~"
    length = len(org.path) + org.steplen
    base = (
        "FROM assistance_need n JOIN orgs_org o ON o.id = n.org_id "
        "WHERE o.path >= %s AND o.path < %s AND n.year IN (%s, %s)"
    )
    params = [low, high, year - 1, year]
    counted = "COUNT(*), COUNT(DISTINCT n.org_id), SUM(CASE WHEN n.status = 'open' THEN 1 ELSE 0 END)"
    out = {}
    with connection.cursor() as c:
        for name, key in (
            ("total", "n.year"),
            ("categories", "n.year, n.category_id"),
            ("areas", f"n.year, SUBSTR(o.path, 1, {length})"),
            ("months", "n.year, n.month"),
        ):
            c.execute(f"SELECT {key}, {counted} {base} GROUP BY {key}", params)
            out[name] = c.fetchall()
        c.execute(
            f"SELECT n.year, g.vulnerablegroup_id, {counted} FROM assistance_need n "
            "JOIN orgs_org o ON o.id = n.org_id JOIN registry_woman_groups g ON g.woman_id = n.woman_id "
            "WHERE o.path >= %s AND o.path < %s AND n.year IN (%s, %s) GROUP BY n.year, g.vulnerablegroup_id",
            params,
        )
        out["groups"] = c.fetchall()
        c.execute(
            "SELECT k.keyword, COUNT(*), COUNT(DISTINCT k.org_id) FROM assistance_needkeyword k "
            "JOIN orgs_org o ON o.id = k.org_id WHERE o.path >= %s AND o.path < %s AND k.year = %s "
            "GROUP BY k.keyword ORDER BY 2 DESC, 1 LIMIT 30",
            [low, high, year],
        )
        themes = c.fetchall()
        words = [t[0] for t in themes] or [""]
        marks = ", ".join(["%s"] * len(words))
        c.execute(
            "SELECT k.keyword, COUNT(*) FROM assistance_needkeyword k JOIN orgs_org o ON o.id = k.org_id "
            "WHERE o.path >= %s AND o.path < %s AND k.year = %s "
            f"AND k.keyword IN ({marks}) GROUP BY k.keyword",
            [low, high, year - 1, *words],
        )
        out["themes"] = (themes, c.fetchall())
        cutoff = today - datetime.timedelta(days=days)
        stale = (
            "FROM assistance_need n JOIN orgs_org o ON o.id = n.org_id WHERE o.path >= %s AND o.path < %s "
            "AND n.status = 'open' AND n.reported_on < %s"
        )
        c.execute(
            f"SELECT n.category_id, COUNT(*), COUNT(DISTINCT n.org_id) {stale} GROUP BY n.category_id",
            [low, high, cutoff],
        )
        out["long"] = c.fetchall()
        c.execute(
            f"SELECT n.id, n.description, n.reported_on {stale} ORDER BY n.reported_on LIMIT 20",
            [low, high, cutoff],
        )
        out["oldest"] = c.fetchall()
    return out


def run(args) -> None:
    from django.db.models import Count
    from django.test import Client

    from fuqing.assistance.hot import hot_issues, long_standing_days
    from fuqing.assistance.models import Need
    from fuqing.orgs.models import Org, OrgKind, User

    needs = Need.objects.count()
    if needs < 1000:
        emit(
            scenario="assistance hot issues",
            skipped="run manage.py synth --scale province first",
            needs=needs,
        )
        return
    year = 2014
    today = datetime.date(2014, 9, 1)
    days = long_standing_days()
    root = Org.objects.filter(depth=1).annotate(n=Count("id")).order_by("path").first()
    district = Org.objects.filter(kind=OrgKind.DISTRICT).annotate(n=Count("users")).order_by("path").first()
    for label, org in (("province", root), ("district", district)):
        user = User.objects.filter(org=org, roles__code="leader", is_active=True).first()
        if user is None:
            continue
        rows = Need.objects.in_subtree(org).filter(year__in=(year - 1, year)).count()
        client = Client()
        client.force_login(user)
        url = f"/assistance/hot/?org={org.pk}&year={year}&days={days}"
        assert client.get(url).status_code == 200  # warm the database's buffers
        raw = _best(lambda org=org: raw_counts(org, year, today, days))
        figures = _best(lambda org=org, user=user: hot_issues(user, org, year, today, threshold_days=days))
        page = _best(lambda client=client, url=url: client.get(url + "&fresh=1"))
        cached = _best(lambda client=client, url=url: client.get(url))
        emit(
            scenario=f"hot issues figures, {label}",
            org=org.name,
            rows=rows,
            seconds=round(figures, 4),
            baseline_seconds=round(raw, 4),
            ms=round(figures * 1000, 1),
        )
        emit(
            scenario=f"hot issues page (request to HTML, recomputed), {label}",
            org=org.name,
            rows=rows,
            seconds=round(page, 4),
            baseline_seconds=round(raw, 4),
            ms=round(page * 1000, 1),
        )
        emit(
            scenario=f"hot issues page (cached figures), {label}",
            org=org.name,
            rows=rows,
            ms=round(cached * 1000, 1),
        )
