"""Grassroots days per cadre and year (FLD-4), the compliance view of bureau- and division-level cadres,
and the cadre's own home-page panel."""

from __future__ import annotations

import datetime

from django.urls import reverse

from fuqing.fieldwork import stats
from fuqing.orgs.models import Position, Rank
from tests.conftest import make_user
from tests.fieldwork.conftest import record


def test_fld4_overlapping_visits_count_a_day_once(tree, daoli, colleague):
    record(daoli, start=datetime.date(2014, 4, 1), days=7, method="stationed", place=tree.a1a)
    record(daoli, start=datetime.date(2014, 4, 5), days=5, place=tree.a1a)  # 5–9 April: 3 new days
    record(colleague, start=datetime.date(2014, 4, 3), place=tree.a1a, lead=daoli)  # same day, another visit
    record(daoli, start=datetime.date(2013, 12, 30), days=3, place=tree.a1a)  # 30, 31 Dec + 1 Jan 2014
    assert stats.grassroots_days(daoli, 2014) == 10
    assert stats.grassroots_days(daoli, 2013) == 2
    assert stats.grassroots_days(colleague, 2014) == 0  # recording a visit is not going on it


def test_fld4_days_follow_the_members_of_a_visit(tree, daoli, colleague):
    record(daoli, start=datetime.date(2014, 4, 1), days=2, place=tree.a1a, members=[colleague])
    assert stats.grassroots_days(colleague, 2014) == 2


def test_fld4_pace_since_january_projects_to_year_end():
    today = datetime.date(2014, 7, 2)  # day 183 of 365
    behind = stats.pace(20, 2014, today)
    assert (behind.needed, behind.projected, behind.on_track) == (40, 40, False)
    ahead = stats.pace(31, 2014, today)
    assert ahead.projected == 62 and ahead.on_track
    finished = stats.pace(45, 2014, datetime.date(2015, 3, 1))  # a past year is final
    assert (finished.needed, finished.projected, finished.on_track) == (15, 45, False)
    assert stats.pace(70, 2014, today).needed == 0


def test_fld4_compliance_lists_bureau_and_division_cadres_below_sixty(
    tree, daoli, colleague, city_leader, login_as, today
):
    today(datetime.date(2014, 7, 2))
    chair = make_user(tree.a, "leader", name="孙玉凤", position=Position.CHAIR, rank=Rank.DIVISION)
    busy = make_user(tree.a1, "cadre", name="勤快", position=Position.CHAIR, rank=Rank.DIVISION)
    make_user(tree.b, "leader", name="南岗主席", position=Position.CHAIR, rank=Rank.DIVISION)
    record(daoli, start=datetime.date(2014, 3, 1), days=40, method="stationed", place=tree.a1a)  # 40 days
    record(chair, start=datetime.date(2014, 4, 1), days=5, place=tree.a1a)
    for month in range(1, 7):  # 60 days
        record(busy, start=datetime.date(2014, month, 1), days=10, place=tree.a1a, org=tree.a1)
    record(colleague, start=datetime.date(2014, 4, 1), place=tree.a1a)  # rank other: not listed
    response = login_as(daoli).get(reverse("fieldwork:compliance"), {"year": 2014})
    rows = {r["name"]: r for r in response.context["rows"]}
    assert set(rows) == {"孙玉凤", "daoli"}  # 勤快 has 60; 南岗 is another district; colleague ranks other
    assert (rows["孙玉凤"]["days"], rows["孙玉凤"]["needed"], rows["孙玉凤"]["on_track"]) == (5, 55, False)
    assert (rows["daoli"]["days"], rows["daoli"]["needed"], rows["daoli"]["projected"]) == (40, 20, 80)
    assert rows["daoli"]["on_track"] and rows["daoli"]["status"] == "能达到"
    html = response.content.decode()
    assert "3 人中 2 人不足 60 天" in html and "达不到" in html and "能达到" in html
    everyone = login_as(daoli).get(reverse("fieldwork:compliance"), {"year": 2014, "all": "1"})
    assert {r["name"] for r in everyone.context["rows"]} == {"孙玉凤", "daoli", "勤快"}
    city = login_as(city_leader).get(reverse("fieldwork:compliance"), {"year": 2014})
    assert {r["name"] for r in city.context["rows"]} == {"孙玉凤", "daoli", "南岗主席", "city"}


def test_fld4_compliance_drills_into_a_unit_of_the_scope_only(tree, daoli, city_leader, login_as):
    client = login_as(city_leader)
    page = client.get(reverse("fieldwork:compliance"), {"area": tree.a.pk, "year": 2014})
    assert {r["name"] for r in page.context["rows"]} == {"daoli"}
    assert login_as(daoli).get(reverse("fieldwork:compliance"), {"area": tree.b.pk}).status_code == 404


def test_fld4_compliance_is_a_bounded_number_of_queries(
    tree, city_leader, login_as, django_assert_max_num_queries
):
    for index in range(30):
        cadre = make_user(tree.a, "leader", position=Position.VICE_CHAIR_PART, rank=Rank.DIVISION)
        record(cadre, start=datetime.date(2014, 4, 1 + index % 20), days=1 + index % 3, place=tree.a1a)
    client = login_as(city_leader)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("fieldwork:compliance"), {"year": 2014})
    assert len(response.context["rows"]) == 31


def test_fld4_home_panel_shows_her_days_against_sixty_and_visits_this_month(
    tree, daoli, colleague, login_as, today
):
    today(datetime.date(2014, 4, 20))
    record(daoli, start=datetime.date(2014, 4, 1), days=8, method="stationed", place=tree.a1a)
    record(daoli, start=datetime.date(2014, 4, 15), place=tree.a1a)
    record(daoli, start=datetime.date(2014, 3, 15), place=tree.a1a)
    page = login_as(daoli).get(reverse("home"))
    panel = next(p for p in page.context["panels"] if p["name"] == "fieldwork-days")["context"]
    assert (panel["days"], panel["target"], panel["visits_this_month"], panel["counted"]) == (10, 60, 2, True)
    html = page.content.decode()
    assert "2014年我的下基层" in html and "目标 60 天" in html and "本月（4月）参加走访 2 次" in html
    cadre_panel = login_as(colleague).get(reverse("home")).content.decode()
    assert "目标 60 天" not in cadre_panel and "本月（4月）参加走访 0 次" in cadre_panel
