"""The research pages follow the campaign year chosen in the top bar (UI.md; RES-1…RES-5): topics,
reports, the Qiushi Cup and the books open on that year; ``?year=`` asks for another, ``?year=``
left empty for every year, and a search looks through every year."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fuqing.campaigns.models import Campaign
from fuqing.research.models import Book, Competition, Topic


@pytest.fixture
def two_years(tree, researcher, daoli):
    for year in (2013, 2014):
        Campaign.objects.create(
            org=tree.city,
            year=year,
            name="下基层、访妇情、办实事",
            theme="下基层 访妇情 办实事",
            starts_on=datetime.date(year, 4, 1),
            ends_on=datetime.date(year, 8, 31),
        )
        Competition.objects.create(org=tree.research, year=year, name=f"第{year - 2010}届求实杯")
        Book.objects.create(
            org=tree.research, year=year, title=f"{year}年调研成果汇编", issuer="研究室",
            issued_on=datetime.date(year, 9, 1),
        )  # fmt: skip
        Topic.objects.create(org=tree.a, year=year, title=f"{year}年失地妇女就业课题", leader=daoli)


def _choose(client, year):
    client.post(reverse("set-year"), {"year": year, "next": "/"})


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("research:cup", "届求实杯"),
        ("research:books", "年调研成果汇编"),
        ("research:topics", "年失地妇女就业课题"),
    ],
)
def test_ui_research_lists_open_on_the_top_bar_year(login_as, researcher, two_years, url, text):
    client = login_as(researcher)
    page = client.get(reverse(url)).content.decode()
    assert f"2014{text}" in page or f"第4{text}" in page
    assert f"2013{text}" not in page and f"第3{text}" not in page
    _choose(client, 2013)
    page = client.get(reverse(url)).content.decode()
    assert f"2013{text}" in page or f"第3{text}" in page
    assert f"2014{text}" not in page and f"第4{text}" not in page
