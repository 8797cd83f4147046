"""Beneficiaries at province scale (issue 16): the list is read from the user's subtree by keyset pages —
the same records, in the same order, as the whole scoped list read at once — and past the paging
threshold it shows an estimate (or "more than") and totals computed once and shared, with their time."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from fuqing.core import paging
from fuqing.projects.models import Beneficiary
from fuqing.projects.views import beneficiaries as views

pytestmark = pytest.mark.django_db

DAY = datetime.date(2014, 5, 12)
URL = "/projects/beneficiaries/"


@pytest.fixture
def records(tree, relief, women):
    """37 records over four units of two districts, with ties on the day (the list's first key)."""
    units = [tree.a1, tree.a1a, tree.b1, tree.a]
    return [
        Beneficiary.objects.create(
            project=relief["project"],
            woman=women[n % 3],
            org=units[n % 4],
            year=2014,
            received_on=DAY + datetime.timedelta(days=n % 5),
            help_kind=f"帮扶{n}",
            amount=Decimal(n),
        )
        for n in range(37)
    ]


def _walk(client, url: str) -> list:
    """Every record the list shows, following its "next" links from the first page."""
    shown = []
    while url:
        page = client.get(url).context["page"]
        assert page.keyset
        shown += [b.pk for b in page]
        url = f"{URL}?{page.next_query}" if page.has_next() else None
    return shown


@pytest.mark.parametrize("who", ["daoli", "city_leader"])
def test_the_subtree_list_by_pages_equals_the_scoped_list_read_at_once(
    request, records, login_as, monkeypatch, who
):
    user = request.getfixturevalue(who)
    monkeypatch.setattr(views, "PAGE_SIZE", 6)
    old = list(
        Beneficiary.objects.visible_to(user)
        .filter(year=2014)
        .order_by("-received_on", "-created_at", "-id")
        .values_list("pk", flat=True)
    )
    shown = _walk(login_as(user), f"{URL}?year=2014")
    assert shown == old
    # the district sees its own subtree only; the city every unit's records
    assert len(old) == (28 if who == "daoli" else 37)


def test_past_the_threshold_an_estimate_and_shared_totals_with_their_time(
    tree, relief, women, records, city_leader, login_as, monkeypatch
):
    monkeypatch.setattr(paging, "EXACT_COUNT_LIMIT", 10)
    monkeypatch.setattr(views, "TOTALS_MIN_SECONDS", 0)
    client = login_as(city_leader)
    page = client.get(f"{URL}?year=2014").content.decode()
    count = re.search(r'data-testid="count">([^<]*)<', page).group(1)
    assert count.startswith(("约", "超过 10")), count
    exact = Beneficiary.objects.filter(year=2014).aggregate(
        n=Count("id"), women=Count("woman_id", distinct=True), amount=Sum("amount")
    )
    assert exact == {"n": 37, "women": 3, "amount": Decimal(sum(range(37)))}
    assert "共 37 人次、3 名妇女（不重复），金额合计 666 元" in page
    assert "统计于" in page
    # a record written moves the projects generation: the next page recomputes the totals
    Beneficiary.objects.create(
        project=relief["project"], woman=women[0], org=tree.b1, year=2014, received_on=DAY, amount=Decimal(4)
    )
    page = client.get(f"{URL}?year=2014").content.decode()
    assert "共 38 人次、3 名妇女（不重复），金额合计 670 元" in page


def test_below_the_threshold_the_count_and_totals_are_live_and_exact(records, daoli, login_as):
    page = login_as(daoli).get(f"{URL}?year=2014").content.decode()
    assert re.search(r'data-testid="count">28 条<', page)
    assert "统计于" not in page
