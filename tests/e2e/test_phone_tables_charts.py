"""Issue 14 point 4 (PLT-6 phone layout): on a 375×812 phone every list page and chart page of the
navigation keeps names on one line (or scrolls the table inside its wrapper with the first column
fixed), the top bar is one row, and every ECharts chart has category labels that do not overlap and a
legend that does not cover the plot. A district leader and the city, with long unit names."""

import os
import time
from pathlib import Path

import pytest

from fuqing.orgs.models import Org
from fuqing.projects.models import Indicator
from tests.e2e.conftest import ARTIFACTS, _new_page, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Twelve characters: the longest name that must stay on one line.
LONG_NAMES = ["新阳路街道安和社区妇联会", "群力乡民主村第三妇女小组", "工程街道建国北社区妇联会"]

# The measurement, run in the page (JavaScript).
MEASURE = (Path(__file__).parent / "phone_layout.js").read_text()


def _lengthen_names():
    """Streets, communities and groups with names of twelve characters, in daoli's district and beyond."""
    units = list(Org.objects.filter(depth__gte=3).order_by("path")[:40])
    for org, name in zip(units[1::7], LONG_NAMES, strict=False):
        org.name = name
        org.save(update_fields=["name"])


def _pages(phone, live_server):
    links = phone.eval_on_selector_all("#fq-nav a.nav-link", "els => els.map(e => e.getAttribute('href'))")
    pages = [p for p in dict.fromkeys(links) if p.startswith("/") and "/add" not in p and "/new" not in p]
    indicator = Indicator.objects.order_by("pk").first()
    if indicator:
        pages.append(f"/projects/indicators/{indicator.pk}/")
    return pages


def _check(phone, live_server, username, language):
    login(phone, live_server, username)
    phone.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    pages = _pages(phone, live_server)
    assert len(pages) >= 15, pages
    found, cells, charts = {}, 0, 0
    for path in pages:
        phone.goto(f"{live_server.url}{path}", wait_until="load")
        result = phone.evaluate(MEASURE)
        cells += result["cells"]
        charts += result["charts"]
        if result["problems"]:
            found[f"{username} {path}"] = sorted(set(result["problems"]))
        name = f"phone-{username}" + path.rstrip("/").replace("/", "_")
        if os.environ.get("FQ_SHOTS") or result["problems"]:
            shot(phone, name)
        if os.environ.get("FQ_SHOTS"):  # each chart at full detail, for a person to look at
            for i, chart in enumerate(phone.locator(".fq-chart").all()):
                chart.screenshot(path=str(ARTIFACTS / f"{name}-chart{i}.png"))
    assert cells > 100, (username, cells)  # the names were measured, not skipped
    assert charts >= 4, (username, charts)  # survey month, hot issues (several), a project's progress
    return found


def test_plt6_phone_tables_keep_names_on_one_line_and_charts_stay_readable(
    browser, live_server, demo, outside_requests
):
    """A district leader (Chinese) and the city (English) over every list and chart page of their menu."""
    started = time.monotonic()
    _lengthen_names()
    found = {}
    for username, language in (("daoli", "zh-hans"), ("city", "en")):
        context, phone = _new_page(browser, live_server, 375, 812, outside_requests)
        try:
            found.update(_check(phone, live_server, username, language))
        finally:
            context.close()
    assert not found, "\n".join(f"{page}: {problems}" for page, problems in found.items())
    assert time.monotonic() - started < 90
