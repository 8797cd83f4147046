"""The home page's lagging panel (issue 16): its roll-up is computed once and shared, says when it was
computed, and follows a change of the projects' data (recomputed by one request, at most once a minute)."""

from __future__ import annotations

import pytest

from fuqing.projects import panels, services
from tests.projects.test_progress import MAY, _report

pytestmark = pytest.mark.django_db


def _panel(client) -> str:
    page = client.get("/").content.decode()
    start = page.index('data-panel="projects-lagging"')
    return page[start : page.index("</section>", start)]


def test_the_panel_is_shared_dated_and_follows_new_reports(
    tree, jobs, daoli, city_leader, login_as, monkeypatch, django_assert_max_num_queries
):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1000, tree.b.pk: 2000}, issue=True)
    services.save_split(daoli, jobs, tree.a, {tree.a1.pk: 1000}, issue=True)
    _report(daoli, jobs, tree.a1, MAY, 100)
    client = login_as(daoli)
    first = _panel(client)
    # 2014's period is over (the platform's today is later): below target now reads 未完成 (PRJ-3)
    assert "未完成" in first and "统计于" in first
    # A second viewer of the same unit gets the same computation (no roll-up query at all).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert not [q for q in ctx.captured_queries if "projects_progressentry" in q["sql"]]
    # A new report: within the minute the panel keeps its dated figures; after it, they are recomputed.
    _report(daoli, jobs, tree.a1, MAY, 1000, reason="更正")
    assert _panel(client) == first
    monkeypatch.setattr(panels, "LAGGING_MIN_SECONDS", 0)
    assert "未完成" not in _panel(client)
