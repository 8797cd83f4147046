"""Women's Homes (BLD-1): registering, activities, photos, the list and coverage — for a real user,
scoped (the sibling district sees and changes nothing), and a refused form writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.building import coverage, services
from fuqing.building.models import DemoLevel, HomeActivity, HomePhoto, HomeSetting, WomensHome
from fuqing.core.models import AuditEvent
from fuqing.orgs.models import OrgKind
from tests.scoped_factories.building import PNG, home


def _post_home(client, org, **extra):
    data = {
        "org": org.pk,
        "name": "友谊社区妇女之家",
        "address": "友谊路12号",
        "setting": HomeSetting.objects.get(code="community").pk,
        "founded_on": "2013-03-08",
        "standard": "六有",
        "demo_level": DemoLevel.CITY,
        "functions": ["education", "service"],
        "keeper": "王桂芝",
        "keeper_phone": "13945112345",
        "hours": "周一至周五",
        "is_active": "on",
        **extra,
    }
    return client.post("/building/homes/add/", data)


def test_bld1_a_district_leader_registers_a_home_and_sees_it(client, tree, daoli):
    client.force_login(daoli)
    response = _post_home(client, tree.a1a)
    home = WomensHome.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/building/homes/{home.pk}/"
    assert home.functions == ["education", "service"] and home.keeper_phone_masked.startswith("139")
    page = client.get(f"/building/homes/{home.pk}/").content.decode()
    assert "市级示范点" in page and "宣传教育、关爱服务" in page and "13945112345" not in page
    assert AuditEvent.objects.filter(object_type="building.womenshome", action="create").exists()


def test_bld1_a_refused_home_names_the_field_and_writes_nothing(client, tree, daoli):
    client.force_login(daoli)
    response = _post_home(client, tree.a1a, name="", founded_on="2099-01-01")
    text = response.content.decode()
    assert response.status_code == 200 and "名称" in text
    assert not WomensHome.objects.exists()
    response = _post_home(client, tree.a1a, founded_on="2030-01-01")
    assert "建立日期不能晚于今天" in response.content.decode() and not WomensHome.objects.exists()


def test_bld1_the_sibling_district_cannot_see_or_change_a_home(client, tree, daoli, nangang):
    mine = home(tree.a1a, "友谊社区妇女之家")
    client.force_login(nangang)
    assert client.get(f"/building/homes/{mine.pk}/").status_code == 404
    assert client.post(f"/building/homes/{mine.pk}/edit/", {"name": "x"}).status_code == 404
    response = client.post(
        f"/building/homes/{mine.pk}/activities/add/", {"held_on": "2014-05-01", "theme": "x", "attendance": 3}
    )
    assert response.status_code == 404 and not HomeActivity.objects.exists()
    assert "友谊社区妇女之家" not in client.get("/building/homes/").content.decode()
    response = _post_home(client, tree.a1a)
    assert response.status_code == 200 and WomensHome.objects.count() == 1  # the unit is not offered


def test_bld1_activities_count_in_their_year_and_idle_homes_are_flagged(client, tree, daoli):
    busy, idle = home(tree.a1a, "甲"), home(tree.a1a, "乙")
    client.force_login(daoli)
    response = client.post(
        f"/building/homes/{busy.pk}/activities/add/",
        {"held_on": "2014-07-10", "theme": "家庭教育讲座", "attendance": 30},
    )
    assert response.status_code == 302
    assert HomeActivity.objects.get().year == 2014
    services.add_activity(daoli, idle, held_on=datetime.date(2014, 1, 10), theme="联谊", attendance=5)
    total = coverage.total(tree.a, 2014, datetime.date(2014, 8, 31))
    assert total.homes == 2 and total.idle_homes == 1
    assert total.communities == 1 and total.communities_with_home == 1
    bad = client.post(
        f"/building/homes/{busy.pk}/activities/add/", {"held_on": "2012-01-01", "theme": "早于建立"}
    )
    assert bad.status_code == 302 and HomeActivity.objects.count() == 2


def test_bld1_photos_are_checked_by_content_and_served_in_scope(client, tree, daoli, nangang):
    mine = home(tree.a1a)
    client.force_login(daoli)
    fake = SimpleUploadedFile("x.png", b"MZ not an image", "image/png")
    client.post(f"/building/homes/{mine.pk}/photos/add/", {"photo": fake})
    assert not HomePhoto.objects.exists()
    good = SimpleUploadedFile("门牌.png", PNG, "image/png")
    client.post(f"/building/homes/{mine.pk}/photos/add/", {"photo": good, "caption": "门牌"})
    photo = HomePhoto.objects.get()
    response = client.get(f"/building/photos/{photo.pk}/")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    client.force_login(nangang)
    assert client.get(f"/building/photos/{photo.pk}/").status_code == 404


def test_bld1_the_settings_dictionary_is_extended_by_the_top_administrator(tree, sysadmin, district_sysadmin):
    from django.core.exceptions import PermissionDenied

    setting = services.add_setting(sysadmin, name="电商服务站", is_place=False)
    assert HomeSetting.objects.filter(name="电商服务站", is_active=True).exists() and setting.code
    with pytest.raises(PermissionDenied):
        services.add_setting(district_sysadmin, name="快递网点")


def test_bld1_home_list_and_overview_pin_their_queries(client, tree, daoli, django_assert_max_num_queries):
    for n in range(12):
        h = home(tree.a1a, f"之家{n}")
        services.add_activity(daoli, h, held_on=datetime.date(2014, 5, 1), theme="活动", attendance=3)
    client.force_login(daoli)
    client.get("/building/homes/")
    with django_assert_max_num_queries(16):
        assert client.get("/building/homes/").status_code == 200
    with django_assert_max_num_queries(24):
        text = client.get("/building/?year=2014").content.decode()
    assert "新阳路街道" in text and "100.0%" in text
    assert tree.a1a.kind == OrgKind.COMMUNITY
