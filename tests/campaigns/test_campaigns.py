"""The campaign and its calendar (CAM-1)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from fuqing.campaigns import services
from fuqing.campaigns.models import Campaign


@pytest.fixture
def campaign(tree):
    return services.create_campaign(None, org=tree.city, year=2014)


def test_cam1_a_campaign_has_its_period_survey_month_and_deadlines(campaign):
    assert (campaign.starts_on, campaign.ends_on) == (datetime.date(2014, 4, 1), datetime.date(2014, 8, 31))
    assert campaign.survey_month_range == (datetime.date(2014, 4, 1), datetime.date(2014, 4, 30))
    due = {d.code: d.due_on for d in campaign.deadlines.all()}
    assert due["survey-summary"] == datetime.date(2014, 5, 10)
    assert due["annual-summary"] == datetime.date(2014, 8, 30)
    assert due["province-recommendation"].month == 9


def test_cam1_next_years_campaign_in_one_step(campaign, sysadmin):
    new = services.copy_to_next_year(sysadmin, campaign)
    assert new.year == 2015 and new.starts_on == datetime.date(2015, 4, 1)
    assert sorted(d.due_on for d in new.deadlines.all())[0] == datetime.date(2015, 5, 10)
    with pytest.raises(ValidationError):
        services.copy_to_next_year(sysadmin, campaign)


def test_cam1_next_year_from_the_page(campaign, login_as, sysadmin):
    client = login_as(sysadmin)
    response = client.post(f"/campaigns/{campaign.pk}/copy/")
    new = Campaign.objects.get(year=2015)
    assert response["Location"] == f"/campaigns/{new.pk}/"


def test_cam1_districts_see_the_city_campaign_but_cannot_change_it(
    campaign, login_as, daoli, district_sysadmin
):
    assert Campaign.objects.visible_to(daoli).filter(pk=campaign.pk).exists()
    assert "2014" in login_as(daoli).get(f"/campaigns/{campaign.pk}/").content.decode()
    assert login_as(district_sysadmin).post(f"/campaigns/{campaign.pk}/copy/").status_code == 403


def test_cam1_the_period_is_validated(tree, sysadmin, login_as):
    response = login_as(sysadmin).post(
        "/campaigns/add/",
        {
            "year": 2016,
            "name": "下基层",
            "theme": "主题",
            "starts_on": "2016-09-01",
            "ends_on": "2016-04-01",
            "survey_month": 4,
        },
    )
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Campaign.objects.filter(year=2016).exists()


@freeze_time("2014-05-03 09:00:00+08:00")
def test_cam1_the_home_page_shows_the_calendar_and_next_deadlines(campaign, login_as, daoli):
    page = login_as(daoli).get("/").content.decode()
    assert "2014年4月1日" in page and "2014年8月31日" in page
    assert "调研月活动总结" in page and "还有 7 天" in page
    assert "道里区妇联" in page


def test_plt2_dates_read_as_chinese_users_expect(campaign, login_as, daoli):
    page = login_as(daoli).get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "2014年4月1日" in page and "2014-05-10" in page
