"""The demo's 2014 organisation building in Harbin (issue 12 point 7): Homes in 道里区 and 南岗区, a
非公企业 Home, a demonstration site, a group in a 自然屯, a team with a vacant full-time vice-chair, an
overdue election, the April 2014 city training of district cadres — and every page shows them."""

from __future__ import annotations

import datetime

import pytest

from fuqing.building import coverage
from fuqing.building.models import (
    Attendance,
    DemoLevel,
    Election,
    GroupKind,
    HandbookVersion,
    TrainingLevel,
    TrainingSession,
    WomensGroup,
    WomensHome,
    WorkCondition,
)
from fuqing.orgs.models import Org, OrgKind, User


@pytest.fixture
def demo(db):
    from fuqing.core.loaders import load_all_demo

    return load_all_demo("Demo@2014pass")


def test_bld_demo_tells_the_2014_story(demo):
    daoli = Org.objects.get(name="道里区妇联")
    nangang = Org.objects.get(name="南岗区妇联")
    homes = WomensHome.objects.all()
    assert homes.filter(org__path__startswith=daoli.path, setting__is_place=True).count() >= 3
    assert homes.filter(org__path__startswith=nangang.path, setting__is_place=True).count() >= 3
    assert homes.filter(setting__code="enterprise").exists()
    assert homes.filter(setting__code="community").exists() and homes.filter(setting__code="village").exists()
    assert homes.filter(demo_level=DemoLevel.CITY).count() == 1
    group = WomensGroup.objects.get(kind=GroupKind.NATURAL_VILLAGE, place="王家屯")
    assert group.org.kind == OrgKind.COMMUNITY and group.org.name.endswith("村")
    assert WomensGroup.objects.flexible().count() >= 2
    vacant = [
        e
        for e in Election.objects.current().filter(org__kind=OrgKind.TOWNSHIP)
        if not e.members.filter(role="vice_full").exists()
    ]
    assert len(vacant) == 1 and vacant[0].members.filter(role="chair").exists()
    overdue = Election.objects.current().filter(next_due__lt=datetime.date(2014, 8, 31))
    assert overdue.count() == 1 and Election.objects.filter(org=overdue.get().org).count() == 2
    session = TrainingSession.objects.get(held_on=datetime.date(2014, 4, 16))
    assert session.level == TrainingLevel.DISTRICT and session.org.kind == OrgKind.CITY
    assert Attendance.objects.filter(session=session, name="李秀英", user__username="daoli").exists()
    assert HandbookVersion.objects.filter(handbook__title="妇女工作实用手册").count() == 2
    assert WorkCondition.objects.filter(year=2014, funding=0).exists()

    _coverage_drills_down_from_the_city()


def _coverage_drills_down_from_the_city():
    city = Org.objects.get(name="哈尔滨市妇联")
    on = datetime.date(2014, 8, 31)
    total = coverage.total(city, 2014, on)
    assert 0 < total.communities_with_home < total.communities
    assert total.sector_homes == 2 and total.demo_sites == 1 and total.idle_homes >= 1
    assert total.elections_overdue == 1 and total.teams_complete < total.units
    assert total.trained_units == Attendance.objects.values("org").distinct().count()
    rows = dict(
        (o.name, t)
        for o, t in coverage.by_children(
            city, list(Org.objects.filter(path__startswith=city.path, depth=2)), 2014, on
        )
    )
    assert rows["道里区妇联"].communities_with_home >= 3
    assert sum(t.communities for t in rows.values()) == total.communities


PAGES = [
    "/building/",
    "/building/homes/",
    "/building/groups/",
    "/building/elections/?flag=all",
    "/building/trainings/?year=2014",
    "/building/trainings/coverage/?year=2014",
    "/building/trainings/coverage/?year=2014&tab=cadres",
    "/building/handbooks/",
    "/building/conditions/?year=2014",
    "/",
]


def test_bld_demo_pages_open_for_the_city_and_a_district(demo, client):
    for username in ("city", "daoli"):
        client.force_login(User.objects.get(username=username))
        for url in PAGES:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
    client.force_login(User.objects.get(username="city"))
    home = WomensHome.objects.filter(demo_level=DemoLevel.CITY).get()
    assert "市级示范点" in client.get(f"/building/homes/{home.pk}/").content.decode()
    group = WomensGroup.objects.get(name="王家屯妇女小组")
    assert "王家屯" in client.get(f"/building/groups/{group.pk}/").content.decode()
    session = TrainingSession.objects.get(held_on=datetime.date(2014, 4, 16))
    assert "李秀英" in client.get(f"/building/trainings/{session.pk}/").content.decode()
    overdue = Election.objects.current().get(next_due__lt=datetime.date(2014, 8, 31))
    text = client.get(f"/building/elections/units/{overdue.org_id}/?year=2014").content.decode()
    assert "逾期未换届" in text and "历届班子" in text
    handbook = HandbookVersion.objects.first().handbook
    text = client.get(f"/building/handbooks/{handbook.pk}/").content.decode()
    assert "现行第 2 版" in text and "两癌" in text
