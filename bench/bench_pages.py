"""Pages at scale through gunicorn (issue 16): the signed-in frame, the home page, the 50-row lists, a
deep page, hot issues — each against the bare Django page measured in the same run, right before it.

    DATABASE_URL=... .venv/bin/python bench/run.py pages

Lines: ``{"scenario", "user", "seconds", "baseline_seconds" (the bare page), "ratio", "rps",
"baseline_rps", "rps_ratio"}``. Needs data: ``manage.py synth``. ``BENCH_PAGES`` (comma-separated scenario
names) limits the run; ``BENCH_SECONDS`` sets the length of each throughput run (default 6).
``BENCH_BEFORE=/path/to/an/older/checkout`` serves that code too, on the same database, and measures
each scenario on both servers in turn (``before_*`` fields): a before/after on a machine whose load moves.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

from bench import pages
from bench.common import emit

LISTS = {
    "women": "/registry/",
    "visits": "/fieldwork/visits/",
    "needs": "/assistance/",
    "beneficiaries": "/projects/beneficiaries/",
}


def _users():
    """A city federation's leader and a district federation's chair (as the issue's profile)."""
    from fuqing.orgs.models import Org, OrgKind, User

    out = {}
    for label, kind in (("city", OrgKind.CITY), ("district", OrgKind.DISTRICT)):
        org = Org.objects.filter(kind=kind, is_active=True).order_by("path").first()
        user = User.objects.filter(org=org, is_active=True, roles__code="leader").order_by("pk").first()
        if user is not None:
            out[label] = user
    return out


def _deep_page(user, page: int) -> tuple[str, str]:
    """The women list's page ``page`` as its "next" links reach it, and as a page number (before)."""
    from fuqing.registry.views import deep_page_query

    return "/registry/?" + deep_page_query(user, page), f"/registry/?page={page}"


def _measure(port, url, cookie, seconds, throughput):
    out = {"seconds": round(pages.latency(port, url, cookie), 4)}
    if throughput:
        out["rps"] = round(pages.throughput(port, url, cookie, seconds=seconds), 1)
    return out


def run(args) -> None:
    only = {s for s in os.environ.get("BENCH_PAGES", "").split(",") if s}
    seconds = float(os.environ.get("BENCH_SECONDS", "6"))
    before_root = os.environ.get("BENCH_BEFORE")
    users = _users()
    if not users:
        emit(scenario="pages", skipped="no data: run manage.py synth first")
        return
    cookies = {label: pages.session_cookie(user) for label, user in users.items()}
    scenarios = [("empty", label, "/__bench__/empty", None, True) for label in cookies]
    scenarios += [("home", label, "/", None, False) for label in cookies]
    scenarios += [
        (f"list-{name}", label, url, None, True) for name, url in LISTS.items() for label in cookies
    ]
    if "city" in users:
        deep, numbered = _deep_page(users["city"], 2000)
        scenarios.append(("list-women-page-2000", "city", deep, numbered, False))
        scenarios.append(("list-women-page-1", "city", "/registry/", None, False))
    scenarios += [("hot-issues", label, "/assistance/hot/", None, False) for label in cookies]
    with ExitStack() as stack:
        port = stack.enter_context(pages.server())
        before = stack.enter_context(pages.server(root=Path(before_root))) if before_root else None
        for name, label, url, before_url, throughput in scenarios:
            if only and name not in only:
                continue
            cookie = cookies[label]
            bare = _measure(port, "/__bench__/bare", "", seconds, throughput)
            line = {"scenario": name, "user": label, "url": url[:80]}
            if before is not None:
                old = _measure(before, before_url or url, cookie, seconds, throughput)
                line.update({f"before_{k}": v for k, v in old.items()})
            line.update(_measure(port, url, cookie, seconds, throughput))
            line["baseline_seconds"] = bare["seconds"]
            if throughput:
                line.update(baseline_rps=bare["rps"], rps_ratio=round(line["rps"] / bare["rps"], 4))
                if before is not None:
                    line["before_rps_ratio"] = round(line["before_rps"] / bare["rps"], 4)
            if before is not None:
                line["before_ratio"] = round(line["before_seconds"] / bare["seconds"], 2)
            emit(**line)
        if not only or "hot-issues-burst" in only:
            # 16 people open a unit's hot issues at the moment its figures expire (a threshold no one
            # asked for yet: cold on both servers).
            import random

            for label, cookie in cookies.items():
                days = random.randint(100, 3000)
                url = f"/assistance/hot/?days={days}"
                line = {"scenario": "hot-issues-burst-16", "user": label, "url": url}
                bare = pages.latency(port, "/__bench__/bare")
                if before is not None:
                    line["before_seconds"] = round(pages.burst(before, url, cookie), 3)
                line["seconds"] = round(pages.burst(port, url, cookie), 3)
                line["baseline_seconds"] = round(bare, 4)
                emit(**line)
