"""The projects pages follow the campaign year chosen in the top bar (UI.md; PRJ-1…PRJ-4): the
overview, the progress records and the beneficiaries open on that year; ``?year=`` asks for another."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fuqing.campaigns.models import Campaign
from fuqing.projects import services
from tests.projects.conftest import make_woman


@pytest.fixture
def two_years(tree, campaign, daoli):
    """春风送岗位 in 2014 (the cast's campaign) and in 2013, each with progress and a beneficiary."""
    older = Campaign.objects.create(
        org=tree.city, year=2013, name="下基层、访妇情、办实事", theme="下基层 访妇情 办实事",
        starts_on=datetime.date(2013, 4, 1), ends_on=datetime.date(2013, 8, 31),
    )  # fmt: skip
    woman = make_woman(tree.a1a)
    for camp, name in ((campaign, "二〇一四年春风送岗位"), (older, "二〇一三年春风送岗位")):
        project = services.create_project(None, org=tree.city, campaign=camp, name=name)
        jobs = services.add_indicator(
            None, project, name=f"{camp.year}年提供就业岗位", unit="item", target=100
        )
        services.report_progress(
            daoli, indicator=jobs, org=tree.a, month=datetime.date(camp.year, 5, 1), value=10
        )
        services.record_beneficiary(
            daoli, project=project, woman=woman, org=tree.a1a, received_on=datetime.date(camp.year, 5, 3)
        )


def _choose(client, year):
    client.post(reverse("set-year"), {"year": year, "next": "/"})


@pytest.mark.parametrize("url", ["projects:overview", "projects:progress", "projects:beneficiaries"])
def test_ui_projects_pages_open_on_the_top_bar_year(login_as, daoli, two_years, url):
    client = login_as(daoli)
    page = client.get(reverse(url)).content.decode()
    assert "2014年提供就业岗位" in page or "二〇一四年春风送岗位" in page
    assert "2013年提供就业岗位" not in page and "二〇一三年春风送岗位" not in page
    _choose(client, 2013)
    page = client.get(reverse(url)).content.decode()
    assert "2013年提供就业岗位" in page or "二〇一三年春风送岗位" in page
    assert "2014年提供就业岗位" not in page and "二〇一四年春风送岗位" not in page
    page = client.get(reverse(url), {"year": 2014}).content.decode()
    assert "2014年提供就业岗位" in page or "二〇一四年春风送岗位" in page
