"""The assistance pages follow the campaign year chosen in the top bar (UI.md; NEED-1…NEED-6 lists):
needs, actions, pairs in force, suggestions and hot issues open on that year; ``?year=`` asks for
another, ``?year=`` left empty for every year, and a search looks through every year."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from fuqing.assistance import pairings, suggestions
from fuqing.campaigns.models import Campaign


@pytest.fixture
def two_years(tree, daoli, make_need):
    for year in (2013, 2014):
        Campaign.objects.create(
            org=tree.city,
            year=year,
            name="下基层、访妇情、办实事",
            theme="下基层 访妇情 办实事",
            starts_on=datetime.date(year, 4, 1),
            ends_on=datetime.date(year, 8, 31),
        )
    old = make_need(
        daoli, tree.a1a, description="去年的诉求：公益岗位太少", reported_on=datetime.date(2013, 5, 1)
    )
    new = make_need(daoli, tree.a1a, description="今年的诉求：两癌筛查名额少", category="health")
    for need, day in ((old, datetime.date(2013, 5, 2)), (new, datetime.date(2014, 5, 2))):
        pairings.record_action(
            daoli, need=need, service="funds", given_on=day, given_by=daoli, amount=Decimal(day.year)
        )
    pairings.create_pairing(
        daoli, org=tree.a1a, kind="one_to_one", household="二〇一三年结对的家庭",
        starts_on=datetime.date(2013, 3, 1), helper_users=[daoli],
    )  # fmt: skip
    ended = pairings.create_pairing(
        daoli, org=tree.a1a, kind="one_to_one", household="二〇一三年已结束的家庭",
        starts_on=datetime.date(2013, 3, 1), helper_users=[daoli],
    )  # fmt: skip
    pairings.update_pairing(daoli, ended, ends_on=datetime.date(2013, 12, 1))
    for year in (2013, 2014):
        suggestions.create_suggestion(
            daoli,
            org=tree.a,
            year=year,
            title=f"{year}年的建议",
            channel="info_report",
            recipient="government",
        )


def _choose(client, year):
    client.post(reverse("set-year"), {"year": year, "next": "/"})


def test_ui_need_lists_open_on_the_top_bar_year(login_as, daoli, two_years):
    client = login_as(daoli)
    page = client.get(reverse("assistance:need-list")).content.decode()
    assert "两癌筛查名额少" in page and "公益岗位太少" not in page  # the latest campaign: 2014
    assert "year=2014" in page  # the ledger export covers the year shown
    _choose(client, 2013)
    page = client.get(reverse("assistance:need-list")).content.decode()
    assert "公益岗位太少" in page and "两癌筛查名额少" not in page
    everything = client.get(reverse("assistance:need-list"), {"year": ""}).content.decode()
    assert "公益岗位太少" in everything and "两癌筛查名额少" in everything
    found = client.get(reverse("assistance:need-list"), {"q": "两癌"}).content.decode()
    assert "两癌筛查名额少" in found  # a search looks through every year
    asked = client.get(reverse("assistance:need-list"), {"year": 2014}).content.decode()
    assert "两癌筛查名额少" in asked and "公益岗位太少" not in asked


def test_ui_actions_pairs_and_suggestions_follow_the_top_bar_year(login_as, daoli, two_years):
    client = login_as(daoli)
    assert client.get(reverse("assistance:action-list")).context["total"] == Decimal(2014)
    pairs = client.get(reverse("assistance:pairing-list")).content.decode()
    assert "二〇一三年结对的家庭" in pairs  # still in force in 2014
    assert "二〇一三年已结束的家庭" not in pairs
    listed = client.get(reverse("assistance:suggestion-list")).content.decode()
    assert "2014年的建议" in listed and "2013年的建议" not in listed
    _choose(client, 2013)
    assert client.get(reverse("assistance:action-list")).context["total"] == Decimal(2013)
    assert "二〇一三年已结束的家庭" in client.get(reverse("assistance:pairing-list")).content.decode()
    listed = client.get(reverse("assistance:suggestion-list")).content.decode()
    assert "2013年的建议" in listed and "2014年的建议" not in listed


def test_ui_hot_issues_follow_the_top_bar_year(login_as, daoli, two_years):
    client = login_as(daoli)
    assert client.get(reverse("assistance:hot-issues")).context["hot"].year == 2014
    _choose(client, 2013)
    assert client.get(reverse("assistance:hot-issues")).context["hot"].year == 2013
    assert client.get(reverse("assistance:hot-issues"), {"year": 2014}).context["hot"].year == 2014
