"""The campaign pages follow the campaign year chosen in the top bar (UI.md; CAM-2, CAM-3): what units
owe and their plans are those of the chosen year's campaign, through the platform's one helper."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fuqing.campaigns.services import create_campaign


@pytest.fixture
def two_campaigns(tree):
    return {
        year: create_campaign(
            None,
            org=tree.city,
            year=year,
            starts_on=datetime.date(year, 4, 1),
            ends_on=datetime.date(year, 8, 31),
        )
        for year in (2013, 2014)
    }


@pytest.mark.parametrize("url", ["campaigns:status", "campaigns:plans"])
def test_ui_cam2_cam3_pages_follow_the_top_bar_year(login_as, daoli, two_campaigns, url):
    client = login_as(daoli)
    assert client.get(reverse(url)).context["campaign"] == two_campaigns[2014]  # the latest by default
    client.post(reverse("set-year"), {"year": 2013, "next": "/"})
    assert client.get(reverse(url)).context["campaign"] == two_campaigns[2013]
