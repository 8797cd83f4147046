"""FLD-1 (issue 14 point 5): a visit recorded today belongs to today's year; a list pinned to an older
campaign year says what it does not show and links to it, and a year without a campaign is announced
with the setup offered to whoever may do it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fuqing.campaigns.models import Campaign
from tests.fieldwork.conftest import record


@pytest.fixture
def old_campaign(tree):
    return Campaign.objects.create(
        org=tree.city, year=2014, name="下基层、访妇情、办实事", theme="下基层 访妇情 办实事",
        starts_on=datetime.date(2014, 4, 1), ends_on=datetime.date(2014, 8, 31),
    )  # fmt: skip


def test_fld1_a_visit_recorded_today_never_disappears_from_a_list_pinned_to_an_older_year(
    login_as, daoli, tree, old_campaign
):
    today = timezone.localdate()
    record(daoli, start=datetime.date(2014, 4, 10), place=tree.a1a, notes="二〇一四年走访")
    visit = record(daoli, start=today, place=tree.a1a, notes="今天的走访")
    assert visit.year == today.year
    client = login_as(daoli)
    page = client.get(reverse("fieldwork:visits")).content.decode()
    assert "二〇一四年走访" in page  # the list opens on the latest campaign's year …
    assert f"{today.year} 年还有 1 次走访不在本列表中" in page  # … and says what it leaves out
    assert f'href="?year={today.year}"' in page
    assert f"{today.year} 年的活动还没有设立" in page
    assert "请联系市妇联的系统管理员设立本年度活动" in page
    assert "今天的走访" in client.get(reverse("fieldwork:visits"), {"year": today.year}).content.decode()


def test_fld1_an_administrator_is_offered_the_campaign_setup_for_the_current_year(
    login_as, sysadmin, tree, old_campaign
):
    page = login_as(sysadmin).get(reverse("campaigns:list")).content.decode()
    year = timezone.localdate().year
    assert f"{year} 年的活动还没有设立" in page
    assert reverse("campaigns:add") in page
    Campaign.objects.create(
        org=tree.city, year=year, name="下基层、访妇情、办实事", theme="下基层 访妇情 办实事",
        starts_on=datetime.date(year, 4, 1), ends_on=datetime.date(year, 8, 31),
    )  # fmt: skip
    page = login_as(sysadmin).get(reverse("campaigns:list")).content.decode()
    assert "的活动还没有设立" not in page
