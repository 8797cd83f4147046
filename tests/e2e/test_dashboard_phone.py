"""The city chair's dashboard on a 375-px phone (RPT-1): every chart's category labels do not overlap or
get cut off, the legend does not cover the bars (the measure of tests/e2e/phone_layout.js), the page does
not scroll sideways, and a click on a district opens that district's dashboard (drill-down). Screenshots
in the e2e artifacts folder, for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from fuqing.orgs.models import Org
from tests.e2e.conftest import ARTIFACTS, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MEASURE = (Path(__file__).parent / "phone_layout.js").read_text()


def test_rpt1_city_dashboard_is_readable_on_a_phone_and_drills_down(
    phone, live_server, demo, outside_requests
):
    login(phone, live_server, "city")
    phone.goto(f"{live_server.url}/?year=2014", wait_until="load")  # her home page is the dashboard
    phone.wait_for_function(
        "window.fuqingDashboardCharts && Object.keys(window.fuqingDashboardCharts).length"
    )
    charts = phone.evaluate("Object.keys(window.fuqingDashboardCharts).length")
    assert charts >= 8
    result = phone.evaluate(MEASURE)
    assert result["charts"] == charts
    assert not result["problems"], result["problems"]
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    for el in phone.locator("[data-dashboard-chart]").all():  # no chart wider than the screen
        box = el.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 + 1
    # the assessment rank is a chart like the others (issue 13): this year's and last year's totals
    assert phone.evaluate("'rank' in window.fuqingDashboardCharts")
    rank = phone.locator("[data-dashboard-chart='rank']")
    rank.scroll_into_view_if_needed()
    rank.screenshot(path=str(ARTIFACTS / "dashboard-city-phone-rank.png"))
    shot(phone, "dashboard-city-phone")
    for i, chart in enumerate(phone.locator(".fq-chart").all()[:4]):
        chart.screenshot(path=str(ARTIFACTS / f"dashboard-city-phone-chart{i}.png"))

    # drill-down: a click on the first district's bar (the chart's click event) opens its dashboard
    first = phone.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent).children[0]")
    with phone.expect_navigation():
        phone.evaluate(
            """() => { const c = window.fuqingDashboardCharts['visit_count'];
                       c.trigger('click', {componentType: 'series', dataIndex: 0}); }"""
        )
    assert f"/dashboard/{first['id']}/" in phone.url
    assert Org.objects.get(pk=first["id"]).name in phone.content()
    assert not outside_requests
