"""NEED-5: a unit's hot issues — by category, area, vulnerable group and month; long-standing and recurring
ones; themes of the Chinese text (jieba + the domain dictionary), each linking to its needs; last year
alongside; computed from stored keywords, never by re-reading descriptions."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fuqing.assistance.hot import hot_issues
from fuqing.assistance.text import extract_keywords, guess_category_code

TODAY = datetime.date(2014, 9, 1)


def test_need5_domain_phrases_stay_whole_and_stop_words_go():
    words = extract_keywords(
        "希望社区提供灵活就业岗位，家里有留守儿童需要照顾，想申请小额贷款，两癌筛查名额太少"
    )
    assert {"灵活就业", "留守儿童", "小额贷款", "两癌筛查"} <= set(words)
    assert not {"希望", "需要", "社区", "家里", "灵活", "就业", "贷款"} & set(words)
    assert words[:4] == ("灵活就业", "留守儿童", "小额贷款", "两癌筛查")  # domain phrases first


def test_need5_category_guess_for_text_without_one():
    assert guess_category_code("想申请小额贷款开店") == "startup-loans"
    assert guess_category_code("留守儿童无人看管") == "education"
    assert guess_category_code("说不清楚") == "other"


@pytest.fixture
def data(daoli, nangang, tree, woman, make_need, settings):
    settings.ASSISTANCE_RECURRING_MIN_UNITS = 2
    n = make_need
    n(daoli, tree.a1a, "希望提供灵活就业岗位", reported_on=datetime.date(2014, 4, 3), woman=woman)
    n(daoli, tree.a1, "灵活就业岗位太少，想参加技能培训", reported_on=datetime.date(2014, 4, 9))
    n(daoli, tree.a, "留守儿童放学后无人看管", category="education", reported_on=datetime.date(2014, 5, 2))
    n(daoli, tree.a1a, "两癌筛查名额太少", category="health", reported_on=datetime.date(2014, 1, 5))
    n(daoli, tree.a1a, "希望提供灵活就业岗位", reported_on=datetime.date(2013, 4, 3))
    n(nangang, tree.b1, "灵活就业岗位太少", reported_on=datetime.date(2014, 4, 20))
    return tree


def _rows(rows):
    return {r.label: (r.this, r.last) for r in rows}


def test_need5_counts_by_category_area_group_and_month_with_last_year(city_leader, data):
    hot = hot_issues(city_leader, data.city, 2014, TODAY)
    assert hot.total.this == 5 and hot.total.last == 1
    assert _rows(hot.categories)["就业"] == (3, 1)
    assert _rows(hot.categories)["子女教育"] == (1, 0)
    areas = _rows(hot.areas)
    assert areas["道里区妇联"] == (4, 1) and areas["南岗区妇联"] == (1, 0)
    assert _rows(hot.groups)["失业妇女"] == (1, 0)
    assert [r.this for r in hot.months][:5] == [1, 0, 0, 3, 1]


def test_need5_a_district_sees_its_own_areas_and_the_unit_itself(daoli, data):
    hot = hot_issues(daoli, data.a, 2014, TODAY)
    areas = _rows(hot.areas)
    assert areas["新阳路街道"] == (3, 1) and areas["道里区妇联（本级）"] == (1, 0)
    assert "南岗区妇联" not in areas and hot.total.this == 4


def test_need5_themes_recurring_across_units_with_last_year(daoli, data):
    themes = {r.label: r for r in hot_issues(daoli, data.a, 2014, TODAY).themes}
    assert (themes["灵活就业"].this, themes["灵活就业"].last, themes["灵活就业"].units) == (2, 1, 2)
    assert themes["灵活就业"].recurring and not themes["两癌筛查"].recurring


def test_need5_long_standing_open_needs_past_the_threshold(daoli, data):
    hot = hot_issues(daoli, data.a, 2014, TODAY, threshold_days=200)
    assert _rows(hot.long_standing) == {"就业": (1, 0), "健康": (1, 0)}
    assert {n.description for n in hot.oldest} == {"两癌筛查名额太少", "希望提供灵活就业岗位"}


def test_need5_page_links_themes_to_needs_and_draws_charts(login_as, daoli, data):
    client = login_as(daoli)
    body = client.get(reverse("assistance:hot-issues"), {"year": 2014}).content.decode()
    link = re.search(r'href="([^"]*keyword=%E7%81%B5%E6%B4%BB%E5%B0%B1%E4%B8%9A[^"]*)"', body)
    assert link is not None
    listing = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert "灵活就业岗位太少" in listing and "留守儿童" not in listing
    chart = json.loads(
        re.search(r'<script id="hot-data" type="application/json">(.*?)</script>', body, re.S).group(1)
    )
    assert chart["year"] == 2014 and "灵活就业" in chart["themes"]["labels"]
    assert "echarts.min.js" in body and "fuqing/assistance.js" in body
    assert "多地反映" in body


def test_need5_other_units_are_404_and_aggregates_stay_in_scope(login_as, daoli, data):
    client = login_as(daoli)
    assert client.get(reverse("assistance:hot-issues"), {"org": data.b.pk}).status_code == 404
    body = client.get(reverse("assistance:hot-issues"), {"year": 2014}).content.decode()
    assert "南岗区" not in body.split("<main", 1)[1]


def test_need5_page_bounded_and_never_rereads_descriptions(
    login_as, city_leader, data, make_need, django_assert_max_num_queries
):
    for i in range(40):
        make_need(city_leader, data.a1a, f"第{i}户反映小额贷款额度低", category="startup-loans")
    client = login_as(city_leader)
    with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(30):
        assert client.get(reverse("assistance:hot-issues"), {"year": 2014}).status_code == 200
    unbounded = [
        q["sql"]
        for q in ctx.captured_queries
        if 'assistance_need"."description' in q["sql"] and "LIMIT" not in q["sql"]
    ]
    assert unbounded == []


def test_need5_figures_are_cached_per_unit_and_refreshed_on_request(login_as, daoli, data, make_need):
    client = login_as(daoli)
    url = reverse("assistance:hot-issues")
    assert "两癌筛查" in client.get(url, {"year": 2014}).content.decode()
    make_need(daoli, data.a1a, "空巢老人无人照料", category="elderly-care")

    def main(response) -> str:  # the page's own content (navigation may name 空巢老人家庭)
        return response.content.decode().split("<main", 1)[1]

    assert "空巢老人" not in main(client.get(url, {"year": 2014}))
    assert "空巢老人" in main(client.get(url, {"year": 2014, "fresh": 1}))
    assert "空巢老人" in main(client.get(url, {"year": 2014}))
