"""Dashboards (RPT-1, issue 13 point 5): figures equal the registers counted independently, this year
against the same span of last year, drill-down to the children in a bounded number of queries, scope, and
the city chair's home page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fuqing.assistance.models import Need, NeedStatus
from fuqing.dashboard import board
from fuqing.fieldwork.models import Visit
from fuqing.orgs import services as org_services
from fuqing.orgs.models import Org, OrgKind, User
from tests.api.conftest import token_for
from tests.conftest import login


def _figure(data: dict, key: str) -> dict:
    for section in data["sections"]:
        for f in section["figures"]:
            if f["key"] == key:
                return f
    raise AssertionError(f"no figure {key}")


def _need(org, day, status=NeedStatus.RESOLVED):
    return Need.objects.create(org=org, description="就业培训", reported_on=day, status=status)


@pytest.fixture
def demo(db):
    from fuqing.core.loaders import load_all_demo

    return load_all_demo("Demo@2014pass")


def _in(org, model_path="org__path"):
    return {f"{model_path}__startswith": org.path}


def test_city_dashboard_equals_the_registers(demo, client):
    """The demo's city dashboard of 2014: every number counted again here, straight from the tables."""
    chair = User.objects.get(username="city")
    login(client, chair)
    city = chair.org
    response = client.get(reverse("dashboard:unit", args=[city.pk]) + "?year=2014")
    assert response.status_code == 200
    data = response.context["data"]
    year = {"reported_on__year": 2014}

    needs = _figure(data, "needs_found")
    assert needs["this"] == Need.objects.filter(**year, **_in(city)).count() > 0
    by_status = {row[0]: row[1] for row in needs["breakdown"]}
    for code, label in NeedStatus.choices:
        n = Need.objects.filter(**year, **_in(city), status=code).count()
        assert by_status.get(str(label), 0) == n
    for child in data["children"]:
        org = Org.objects.get(pk=child["id"])
        row = next(c for c in needs["children"] if c["id"] == org.pk)
        assert row["this"] == Need.objects.filter(**year, **_in(org)).count()

    visits = _figure(data, "visit_count")
    assert visits["this"] == Visit.objects.filter(started_on__year=2014, **_in(city)).count() > 0
    assert sum(c["this"] for c in visits["children"]) <= visits["this"]  # the city's own visits too

    category = _figure(data, "needs_by_category")
    assert sum(row[1] for row in category["breakdown"]) == needs["this"]

    targets = _figure(data, "projects.targets_by_status")
    # 2014 is over (demo read after the period): nothing is "on track" any more (PRJ-3)
    statuses = {row[0]: row[1] for row in targets["breakdown"]}
    assert statuses["进度正常"] == 0 and statuses["严重滞后"] == 0
    assert statuses["已完成"] + statuses["未完成"] == targets["this"] > 0

    assert _figure(data, "building.homes_coverage")["this"] is not None
    assert "考核排名" in response.content.decode()

    # last year is real in the demo (its 2013): every register figure has a number to compare with
    last = {"reported_on__year": 2013}
    assert needs["last"] == Need.objects.filter(**last, **_in(city)).count() > 0
    assert sum(1 for c in needs["children"] if c["last"]) >= 10  # the districts' needs, not one unit's
    assert visits["last"] == Visit.objects.filter(started_on__year=2013, **_in(city)).count() > 0
    assert _figure(data, "projects.targets_by_status")["last"] > 0
    assert _figure(data, "reports")["last"] > 0
    assert any(c["last"] for c in _figure(data, "oversight.submissions_on_time_rate")["children"])
    ranked = [c for c in data["rank"]["children"] if c["this"] and c["last"]]
    assert len(ranked) == len(data["children"])  # 2013's assessment published too: a rank each year
    assert 'data-dashboard-chart="rank"' in response.content.decode()  # drawn as a chart (drill-down)


def test_this_year_against_the_same_span_of_last_year(tree, city_leader):
    _need(tree.a1, datetime.date(2013, 3, 1))
    _need(tree.a1, datetime.date(2013, 11, 30))  # after the same day: outside last year's span
    _need(tree.a1, datetime.date(2014, 2, 1))
    _need(tree.a1, datetime.date(2014, 5, 1), NeedStatus.OPEN)
    _need(tree.b1, datetime.date(2014, 3, 3))
    found = board.build(tree.city, 2014, city_leader, today=datetime.date(2014, 6, 30)).to_data()
    assert found["period"] == ["2014-01-01", "2014-06-30"]
    assert found["last_period"] == ["2013-01-01", "2013-06-30"]
    needs = _figure(found, "needs_found")
    assert (needs["this"], needs["last"], needs["change"]) == (3, 1, 2)
    children = {c["name"]: (c["this"], c["last"]) for c in needs["children"]}
    assert children == {"道里区妇联": (2, 1), "南岗区妇联": (1, 0)}  # the office (研究室) is no child here

    whole = board.build(tree.city, 2013, city_leader, today=datetime.date(2014, 6, 30)).to_data()
    assert _figure(whole, "needs_found")["this"] == 2  # a past year: the whole year


def _queries(unit, user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        board.build(unit, 2014, user, today=datetime.date(2014, 12, 31))
    return len(ctx.captured_queries)


def test_drill_down_queries_do_not_grow_with_the_children(tree, city_leader):
    _need(tree.a1, datetime.date(2014, 2, 1))
    _queries(tree.city, city_leader)  # the user's roles and scope are read once, then cached
    few = _queries(tree.city, city_leader)
    for i in range(6):
        district = org_services.add_org(None, parent=tree.city, name=f"新区{i}", kind=OrgKind.DISTRICT)
        _need(district, datetime.date(2014, 4, 1))
    tree.city.refresh_from_db()
    many = _queries(tree.city, city_leader)
    assert len(board.children_of(tree.city, city_leader)) == 8
    assert many == few
    assert many <= 48  # pinned: figures × 2 years × a grouped query per depth (unit and children)


def test_dashboard_is_scoped(tree, daoli, nangang, client):
    login(client, daoli)
    assert client.get(reverse("dashboard:unit", args=[tree.a.pk])).status_code == 200
    assert client.get(reverse("dashboard:unit", args=[tree.a1.pk])).status_code == 200
    assert client.get(reverse("dashboard:unit", args=[tree.b.pk])).status_code == 404
    assert client.get(reverse("dashboard:unit", args=[tree.city.pk])).status_code == 404
    own = client.get(reverse("dashboard:own"))
    assert own.status_code == 200 and own.context["unit"] == tree.a


def test_api_returns_the_page_figures(tree, daoli, client):
    _need(tree.a1, datetime.date(2014, 2, 1))
    login(client, daoli)
    page = client.get(reverse("dashboard:unit", args=[tree.a.pk]) + "?year=2014").context["data"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(daoli)}"}
    api = client.get(f"/api/v1/dashboard/{tree.a.pk}/?year=2014", **auth)
    assert api.status_code == 200, api.content
    assert api.json()["sections"] == page["sections"]
    assert client.get(f"/api/v1/dashboard/{tree.b.pk}/?year=2014", **auth).status_code == 404


def test_the_city_chairs_home_page_is_her_dashboard(tree, city_leader, daoli, client):
    login(client, city_leader)
    home = client.get("/")
    assert "dashboard/dashboard.html" in [t.name for t in home.templates]
    assert home.context["unit"] == tree.city and home.context["home"]
    login(client, daoli)  # a district vice-chair keeps her panels
    assert "dashboard/dashboard.html" not in [t.name for t in client.get("/").templates]


def test_assessment_rank_of_the_unit_and_its_children_once_published(tree, city_leader, daoli, client):
    from django.utils import timezone

    from fuqing.oversight.models import ResultSheet, Scheme

    now = timezone.now()
    published = Scheme.objects.create(org=tree.city, year=2014, name="2014年考核", published_at=now)
    draft = Scheme.objects.create(org=tree.city, year=2013, name="2013年考核")  # never published
    for scheme in (published, draft):
        for unit, rank, total in ((tree.a, 1, "91.5"), (tree.b, 2, "80")):
            ResultSheet.objects.create(
                scheme=scheme,
                unit=unit,
                level="district",
                parent=tree.city,
                total=total,
                rank=rank,
                of=2,
                as_of=now,
            )
    found = board.build(tree.city, 2014, city_leader).to_data()["rank"]
    assert found["this"] is None  # the city itself is not ranked
    ranks = {c["name"]: (c["this"] and c["this"]["rank"], c["last"]) for c in found["children"]}
    assert ranks == {"道里区妇联": (1, None), "南岗区妇联": (2, None)}  # 2013 unpublished: nothing shown
    own = board.build(tree.a, 2014, daoli).to_data()["rank"]
    assert own["this"] == {"total": 91.5, "rank": 1, "of": 2, "level": "district"}
    login(client, daoli)
    page = client.get(reverse("dashboard:unit", args=[tree.a.pk]) + "?year=2014").content.decode()
    assert "第 1 名 / 2（91.5 分）" in page
