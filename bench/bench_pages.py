"""Pages at scale through gunicorn (issue 16): the signed-in frame, the home page, the 50-row lists, a
deep page, hot issues — each against the bare Django page measured in the same run.

    DATABASE_URL=... .venv/bin/python bench/run.py pages [--scale province]

Lines: ``{"scenario", "user", "seconds", "baseline_seconds" (the bare page), "ratio",
"rps", "baseline_rps", "rps_ratio"}``. Needs data: ``manage.py synth``. ``BENCH_PAGES`` (comma-separated
scenario names) limits the run; ``BENCH_SECONDS`` sets the length of each throughput run (default 8).
"""

from __future__ import annotations

import os

from bench import pages
from bench.common import emit

LISTS = {
    "women": "/registry/",
    "visits": "/fieldwork/visits/",
    "needs": "/assistance/",
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


def _deep_page(user, page: int) -> str:
    """The address of the women list's page ``page`` as its own "next" links reach it."""
    try:
        from fuqing.registry.views import deep_page_query
    except ImportError:  # before keyset paging: the page number
        return f"/registry/?page={page}"
    return "/registry/?" + deep_page_query(user, page)


def run(args) -> None:
    only = {s for s in os.environ.get("BENCH_PAGES", "").split(",") if s}
    seconds = float(os.environ.get("BENCH_SECONDS", "8"))
    users = _users()
    if not users:
        emit(scenario="pages", skipped="no data: run manage.py synth first")
        return
    cookies = {label: pages.session_cookie(user) for label, user in users.items()}
    scenarios = [("empty", label, "/__bench__/empty") for label in cookies]
    scenarios += [("home", label, "/") for label in cookies]
    scenarios += [(f"list-{name}", label, url) for name, url in LISTS.items() for label in cookies]
    scenarios += (
        [("list-women-page-2000", "city", _deep_page(users["city"], 2000))] if "city" in users else []
    )
    scenarios += [("hot-issues", label, "/assistance/hot/") for label in cookies]
    with pages.server() as port:
        base_seconds = pages.latency(port, "/__bench__/bare", repeat=50)
        base_rps = pages.throughput(port, "/__bench__/bare", seconds=seconds)
        emit(scenario="bare", seconds=round(base_seconds, 4), rps=round(base_rps, 1))
        for name, label, url in scenarios:
            if only and name not in only:
                continue
            cookie = cookies[label]
            seconds_one = pages.latency(port, url, cookie)
            line = {
                "scenario": name,
                "user": label,
                "url": url[:80],
                "seconds": round(seconds_one, 4),
                "baseline_seconds": round(base_seconds, 4),
            }
            if name.startswith(("empty", "list-")) and not name.endswith("2000"):
                rps = pages.throughput(port, url, cookie, seconds=seconds)
                line.update(
                    rps=round(rps, 1), baseline_rps=round(base_rps, 1), rps_ratio=round(rps / base_rps, 4)
                )
            emit(**line)
