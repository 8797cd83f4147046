"""The needs-survey month's figures (FLD-5): per unit rolled up the tree, per method, per vulnerable group
of the women met, and the visits led by leaders."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.urls import reverse

from fuqing.campaigns.services import create_campaign
from fuqing.fieldwork import stats
from fuqing.orgs.models import Position
from fuqing.registry.models import VulnerableGroup
from tests.conftest import make_user
from tests.fieldwork.conftest import record


def _scene(tree, daoli, colleague, nangang, community_b):
    left, landless = (
        VulnerableGroup.objects.get(code="left-behind"),
        VulnerableGroup.objects.get(code="landless"),
    )
    street = make_user(tree.a1, "cadre", position=Position.CADRE)
    april = datetime.date(2014, 4, 10)
    record(daoli, start=april, place=tree.a1a, method="forum", women_met=20, group_counts={left.pk: 5})
    record(colleague, start=april, place=tree.a1a, women_met=3, group_counts={left.pk: 1, landless.pk: 2})
    record(street, start=april, org=tree.a1, place=tree.a1a, method="interview", women_met=1)
    record(street, start=april, org=tree.a1, place=tree.a1a, lead=daoli, women_met=2)  # a leader leads it
    record(nangang, start=april, place=community_b, women_met=7, group_counts={landless.pk: 7})
    record(daoli, start=datetime.date(2014, 5, 2), place=tree.a1a, women_met=50)  # May: not in the month
    record(daoli, start=datetime.date(2013, 4, 2), place=tree.a1a, women_met=50)  # another year
    return left, landless


def test_fld5_figures_roll_up_each_unit_subtree(tree, daoli, colleague, nangang, city_leader, community_b):
    left, landless = _scene(tree, daoli, colleague, nangang, community_b)
    figures = stats.survey_month_figures(city_leader, tree.city, 2014, 4)
    rows = {r.label: r for r in figures.rows}
    a, b = rows["道里区妇联"], rows["南岗区妇联"]
    assert (a.visits, a.women, a.led_by_leaders) == (4, 26, 2)  # daoli's own forum + the street's one she led
    assert a.by_method == {"forum": 1, "home_visit": 2, "interview": 1}
    assert a.by_group == {left.pk: 6, landless.pk: 2}
    assert (b.visits, b.women, b.by_group) == (1, 7, {landless.pk: 7})
    assert rows["研究室"].visits == 0
    assert (figures.total.visits, figures.total.women) == (5, 33)
    assert figures.own.visits == 0


def test_fld5_drilling_down_splits_own_visits_from_the_units_below(
    tree, daoli, colleague, nangang, community_b
):
    _scene(tree, daoli, colleague, nangang, community_b)
    figures = stats.survey_month_figures(daoli, tree.a, 2014, 4)
    assert figures.own.visits == 2  # recorded by 道里区妇联 itself
    assert [(r.label, r.visits) for r in figures.rows] == [("新阳路街道", 2)]


def test_fld5_the_page_shows_the_table_for_the_campaign_survey_month(
    tree, daoli, colleague, nangang, community_b, city_leader, login_as, django_assert_max_num_queries
):
    create_campaign(None, org=tree.city, year=2014)
    _scene(tree, daoli, colleague, nangang, community_b)
    client = login_as(city_leader)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("fieldwork:survey-month"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2014年4月妇女需求调研月" in html
    for text in ("道里区妇联", "南岗区妇联", "留守妇女", "失地妇女", "领导带队", "一对一访谈"):
        assert text in html
    assert response.context["figures"].total.visits == 5


def test_fld5_a_district_sees_only_its_own_subtree(tree, daoli, colleague, nangang, community_b, login_as):
    _scene(tree, daoli, colleague, nangang, community_b)
    client = login_as(daoli)
    response = client.get(reverse("fieldwork:survey-month"), {"year": 2014})
    assert response.context["area"] == tree.a
    assert response.context["figures"].total.visits == 4
    assert "南岗区妇联" not in response.content.decode()
    assert client.get(reverse("fieldwork:survey-month"), {"area": tree.b.pk}).status_code == 404


def test_fld5_figures_export_to_excel(tree, daoli, colleague, nangang, community_b, city_leader, login_as):
    _scene(tree, daoli, colleague, nangang, community_b)
    response = login_as(city_leader).get(reverse("fieldwork:survey-month"), {"year": 2014, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    total = next(r for r in rows if r[0] == "合计")
    assert header[:2] == ("单位", "走访次数") and "领导带队次数" in header
    assert total[1] == 5 and total[header.index("走访妇女人数")] == 33


def test_fld5_the_chart_includes_the_areas_own_visits_like_the_table(
    tree, daoli, colleague, nangang, community_b, login_as
):
    import json

    _scene(tree, daoli, colleague, nangang, community_b)
    response = login_as(daoli).get(reverse("fieldwork:survey-month") + f"?area={tree.a.pk}&year=2014")
    chart = json.loads(response.context["chart"])
    assert chart["units"] == ["道里区妇联（本级）", "新阳路街道"]
    assert sum(sum(s["data"]) for s in chart["series"]) == response.context["figures"].total.visits == 4
    assert "道里区妇联（本级）</td>" in response.content.decode()
