"""A cadre records a visit with two needs on a 375-px phone; the needs are real rows of the needs
register — on the visit's page, in the needs list and on the hot-issues page (FLD-2, NEED-1, NEED-5,
PLT-6 layout)."""

import re

import pytest

from fuqing.assistance.models import Need
from fuqing.orgs.models import Org, OrgKind
from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEEDS = ("就业：希望参加电商培训，网上卖山货", "住房：棚户区改造回迁房迟迟未交付")


def _quiet_street():
    """The township of 道里 with the fewest needs, so its hot-issues page lists every open one."""
    daoli = Org.objects.get(name="道里区妇联")
    streets = Org.objects.filter(path__startswith=daoli.path, depth=daoli.depth + 1, kind=OrgKind.TOWNSHIP)
    street = min(streets, key=lambda s: Need.objects.filter(org__path__startswith=s.path).count())
    community = Org.objects.filter(path__startswith=street.path, kind=OrgKind.COMMUNITY).first()
    return street, community


def test_fld2_need1_need5_a_visit_with_two_needs_recorded_on_a_phone(
    phone, live_server, demo, outside_requests
):
    street, community = _quiet_street()
    login(phone, live_server, "daoli")
    phone.click(".fq-bottom-bar >> text=记走访")
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.fill("#id_started_on", "2014-04-22")
    phone.select_option("#id_method", "home_visit")
    phone.select_option("#id_place", str(community.pk))
    phone.select_option("#id_org", str(street.pk))
    phone.fill("#id_women_met", "9")
    phone.fill("#id_needs_text", "\n".join(NEEDS))
    shot(phone, "visit-form-phone-daoli")
    phone.click("main button[type=submit]")
    phone.wait_for_url(re.compile(r"/fieldwork/visits/[0-9a-f-]{36}/$"))  # posted through fetch (PLT-6)
    phone.wait_for_load_state("networkidle")

    # the visit's page lists the two needs as links into the register
    section = phone.locator("[data-section=needs]")
    assert section.locator("a").count() == 2
    text = section.inner_text()
    assert "希望参加电商培训，网上卖山货" in text and "棚户区改造回迁房迟迟未交付" in text
    assert "就业" in text and "住房" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "visit-detail-phone-daoli")
    needs = Need.objects.filter(org=street, visit__isnull=False)
    assert sorted(needs.values_list("category__name", flat=True)) == ["住房", "就业"]

    # the needs list (opening on the top bar's year, 2014) has them
    phone.goto(f"{live_server.url}/assistance/?org={street.pk}")
    listing = phone.locator("main").inner_text()
    assert "希望参加电商培训，网上卖山货" in listing and "棚户区改造回迁房迟迟未交付" in listing
    shot(phone, "needs-list-phone-daoli")
    phone.locator("main a", has_text="希望参加电商培训").click()
    phone.wait_for_load_state("networkidle")
    assert "走访" in phone.locator("main").inner_text()

    # the street's hot-issues page counts them by category and lists them as long open
    phone.goto(f"{live_server.url}/assistance/hot/?org={street.pk}&fresh=1")
    phone.wait_for_load_state("networkidle")
    hot = phone.locator("main").inner_text()
    assert "希望参加电商培训，网上卖山货" in hot and "棚户区改造回迁房迟迟未交付" in hot  # open since 2014
    phone.click("text=查看表格 >> nth=0")  # the categories chart's table
    categories = phone.locator("main table").first.inner_text()
    assert "就业" in categories and "住房" in categories
    shot(phone, "hot-issues-phone-daoli")
    assert outside_requests == []
