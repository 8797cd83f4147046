"""The field-work pages follow the campaign year chosen in the top bar (UI.md; FLD-1…FLD-6): visits,
questionnaires, grassroots days and the survey-month figures open on that year; ``?year=`` asks for
another, and a search looks through every year."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fuqing.campaigns.models import Campaign
from fuqing.fieldwork import questionnaires
from tests.fieldwork.conftest import record


@pytest.fixture
def two_years(tree, daoli):
    for year in (2013, 2014):
        Campaign.objects.create(
            org=tree.city, year=year, name="下基层、访妇情、办实事", theme="下基层 访妇情 办实事",
            starts_on=datetime.date(year, 4, 1), ends_on=datetime.date(year, 8, 31),
        )  # fmt: skip
        record(daoli, start=datetime.date(year, 4, 10), place=tree.a1a, notes=f"{year}年走访留守妇女")
        questionnaires.create_questionnaire(
            daoli, org=tree.a, year=year, title=f"{year}年妇女需求调查问卷", questions=[]
        )


def _choose(client, year):
    client.post(reverse("set-year"), {"year": year, "next": "/"})


@pytest.mark.parametrize(
    ("url", "text"),
    [("fieldwork:visits", "年走访留守妇女"), ("fieldwork:questionnaires", "年妇女需求调查问卷")],
)
def test_ui_field_work_lists_open_on_the_top_bar_year(login_as, daoli, two_years, url, text):
    client = login_as(daoli)
    page = client.get(reverse(url)).content.decode()
    assert f"2014{text}" in page and f"2013{text}" not in page
    _choose(client, 2013)
    page = client.get(reverse(url)).content.decode()
    assert f"2013{text}" in page and f"2014{text}" not in page
    page = client.get(reverse(url), {"q": "2014"}).content.decode()
    assert f"2014{text}" in page  # a search looks through every year


@pytest.mark.parametrize(
    "url", ["fieldwork:compliance", "fieldwork:survey-month", "fieldwork:contact-points"]
)
def test_ui_field_work_figures_follow_the_top_bar_year(login_as, daoli, two_years, url):
    client = login_as(daoli)
    assert client.get(reverse(url)).context["year"] == 2014
    _choose(client, 2013)
    assert client.get(reverse(url)).context["year"] == 2013
    assert client.get(reverse(url), {"year": 2014}).context["year"] == 2014
