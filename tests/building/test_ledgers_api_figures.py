"""Ledgers (export, and import for Homes, groups, teams and attendance), the API, and the registered
figures of organisation building (issue 12 points 7 and 8)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from fuqing.building import services
from fuqing.building.models import Attendance, Election, TeamMember, WomensGroup, WomensHome
from fuqing.core.figures import FigureScope, compute, compute_for_units
from fuqing.core.ledger import ImportContext, export_to_file, get_ledger, import_file
from tests.core.test_access_matrix import _token
from tests.scoped_factories.building import group, home, session


def _round_trip(name, user, org, wipe, extra=None):
    ledger = get_ledger(name)
    path, count = export_to_file(ledger, user)
    assert count > 0
    before = ledger.model.objects.count()
    wipe()
    summary = import_file(ledger, path, ImportContext(actor=user, org=org, extra=extra or {}))
    assert summary.written, summary.as_dict()
    return before, ledger.model.objects.count()


def test_bld_homes_and_groups_ledgers_round_trip(tree, daoli):
    services.create_home(
        daoli,
        tree.a1a,
        name="友谊社区妇女之家",
        address="友谊路12号",
        setting=services.homes.home_setting("社区"),
        functions=["education"],
        demo_level="city",
    )
    before, after = _round_trip("building_homes", daoli, tree.a, lambda: WomensHome.objects.all().delete())
    assert before == after == 1
    restored = WomensHome.objects.get()
    assert restored.demo_level == "city" and restored.functions == ["education"] and restored.org == tree.a1a
    group(tree.a1a, "3号楼妇女小组")
    before, after = _round_trip("building_groups", daoli, tree.a, lambda: WomensGroup.objects.all().delete())
    assert before == after == 1 and WomensGroup.objects.get().name == "3号楼妇女小组"


def test_bld_teams_ledger_round_trip_rebuilds_elections_and_history(tree, daoli):
    services.record_election(
        daoli, tree.a1, held_on=datetime.date(2006, 9, 1), members=[{"role": "chair", "name": "老主席"}]
    )
    services.record_election(
        daoli,
        tree.a1,
        held_on=datetime.date(2011, 9, 1),
        members=[{"role": "chair", "name": "刘春梅"}, {"role": "vice_full", "name": "郑丽萍"}],
    )
    before, after = _round_trip("building_teams", daoli, tree.a, lambda: Election.objects.all().delete())
    assert before == after == 3
    current = Election.objects.current().get()
    assert current.held_on == datetime.date(2011, 9, 1) and Election.objects.count() == 2
    assert set(current.members.values_list("name", flat=True)) == {"刘春梅", "郑丽萍"}


def test_bld_attendance_ledger_round_trip_and_a_foreign_file_writes_nothing(tree, daoli, nangang):
    s = session(tree.a, "业务培训")
    services.add_attendance(daoli, s, org=tree.a1, name="李秀珍", position="主席")
    before, after = _round_trip(
        "building_attendance", daoli, tree.a, lambda: Attendance.objects.all().delete()
    )
    assert before == after == 1 and Attendance.objects.get().hours == Decimal("3")
    path, _count = export_to_file(get_ledger("building_attendance"), daoli)
    summary = import_file(
        get_ledger("building_attendance"), path, ImportContext(actor=nangang, org=tree.b, valid_only=True)
    )
    assert not summary.written and Attendance.objects.count() == 1
    assert TeamMember.objects.count() == 0


def test_bld_api_lists_and_writes_in_scope(client, tree, daoli, nangang):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(daoli)}"}
    response = client.post(
        "/api/v1/building/homes/",
        {
            "org": tree.a1a.pk,
            "name": "友谊社区妇女之家",
            "address": "友谊路12号",
            "setting": "community",
            "functions": ["service"],
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    home_id = response.json()["id"]
    response = client.post(
        f"/api/v1/building/homes/{home_id}/activities/",
        {"held_on": "2014-05-10", "theme": "座谈", "attendance": 20},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201 and response.json()["year"] == 2014
    bad = client.post(
        "/api/v1/building/homes/",
        {"org": tree.a1a.pk, "name": "", "address": "x", "setting": "community"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422 and "name" in bad.json()["errors"] and WomensHome.objects.count() == 1
    response = client.post(
        f"/api/v1/building/units/{tree.a1.pk}/elections/",
        {"held_on": "2011-09-01", "members": [{"role": "chair", "name": "刘春梅"}]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201 and "缺专职副主席" in response.json()["gaps"]
    assert client.get("/api/v1/building/homes/", **headers).json()["count"] == 1
    coverage = client.get("/api/v1/building/coverage/?year=2014", **headers).json()
    assert coverage["total"]["communities_with_home"] == 1
    other = {"HTTP_AUTHORIZATION": f"Bearer {_token(nangang)}"}
    assert client.get("/api/v1/building/homes/", **other).json()["count"] == 0
    assert client.get(f"/api/v1/building/homes/{home_id}/", **other).status_code == 404
    response = client.post(
        f"/api/v1/building/units/{tree.a1.pk}/elections/",
        {"held_on": "2014-09-01", "members": [{"role": "chair", "name": "x"}]},
        content_type="application/json",
        **other,
    )
    assert response.status_code == 404 and Election.objects.count() == 1


def test_bld8_figures_for_one_unit_and_many_agree_in_bounded_queries(
    tree, daoli, django_assert_max_num_queries
):
    home(tree.a1a)
    services.record_election(
        daoli,
        tree.a1,
        held_on=datetime.date(2011, 9, 1),
        members=[{"role": "chair", "name": "甲"}, {"role": "vice_full", "name": "乙"}],
    )
    services.add_attendance(daoli, session(tree.a), org=tree.a1, name="李秀珍")
    scope = FigureScope.of_year(tree.city, 2014)
    assert compute("building.homes_coverage", scope).value == 100
    units = [tree.a, tree.b, tree.a1]
    with django_assert_max_num_queries(14):
        many = compute_for_units("building.homes_coverage", scope, units)
    assert many[tree.a.pk].value == 100 and many[tree.b.pk].value is None
    teams = compute_for_units("building.teams_complete", scope, units)
    assert teams[tree.a1.pk].value == 50 and teams[tree.a.pk].value == Decimal("33.3")
    assert compute("building.trained_cadres", FigureScope.of_year(tree.a, 2014)).value == 1
    assert compute("building.trained_units", FigureScope.of_year(tree.a, 2014)).value == Decimal("33.3")
    assert compute("building.groups_coverage", scope).value == 0


def _sheet(name, user, **params):
    from tests.ledger_sheets import table

    ledger = get_ledger(name)
    queryset = ledger.filter(ledger.queryset(user), params)
    path, _count = export_to_file(ledger, user, queryset)
    with open(path, "rb") as handle:
        header, *rows = table(handle.read())
    return [dict(zip(header, row, strict=False)) for row in rows if any(v not in (None, "") for v in row)]


def test_bld7_training_sessions_ledger_counts_attendance_in_scope(client, tree, daoli, nangang):
    from django.urls import reverse

    s = services.create_session(
        daoli,
        tree.a,
        held_on=datetime.date(2014, 4, 16),
        place="市委党校",
        level="district",
        topic="妇联干部业务培训",
        hours=Decimal("6"),
        trainer="刘春梅",
    )
    services.add_attendance(daoli, s, org=tree.a1, name="李秀珍", position="主席")
    services.add_attendance(daoli, s, org=tree.a1a, name="王淑芬", hours=Decimal("3"))
    services.add_attendance(daoli, s, org=tree.a1, name="郑丽萍")
    rows = _sheet("building_sessions", daoli, year="2014")
    assert [(r["主办单位"], r["培训对象层级"], r["主题"], r["授课人"]) for r in rows] == [
        ("道里区妇联", "区县(市)", "妇联干部业务培训", "刘春梅")
    ]
    assert (rows[0]["参训人数"], rows[0]["参训单位数"], float(rows[0]["参训总学时"])) == (3, 2, 15.0)
    assert _sheet("building_sessions", daoli, year="2013") == []
    assert _sheet("building_sessions", nangang) == []  # the sibling district sees none of it
    client.force_login(daoli)
    assert reverse("ledger-export-building_sessions") in client.get("/building/trainings/").content.decode()


def test_bld7_handbook_ledgers_show_the_current_version_and_downloads_per_unit(client, tree, daoli, nangang):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.conftest import make_user

    def pdf():
        return SimpleUploadedFile("手册.pdf", b"%PDF-1.4\n%test\n", "application/pdf")

    city = make_user(tree.city, "leader", name="赵红")
    book = services.handbook.create_handbook(
        city, tree.city, title="妇女工作实用手册", levels=["township", "community"], upload=pdf()
    )
    v2 = services.handbook.add_version(city, book, upload=pdf(), changes="增补两癌救助政策")
    reader = make_user(tree.a1, "cadre", name="李秀珍")
    services.handbook.count_download(reader, v2)
    services.handbook.count_download(reader, v2)
    services.handbook.count_download(daoli, v2)
    services.handbook.count_download(nangang, v2)  # another district: not in 道里区's counts
    [row] = _sheet("building_handbooks", daoli)
    assert (row["名称"], row["适用层级"], row["现行版本"], row["本版修改内容"]) == (
        "妇女工作实用手册",
        "街道(乡镇)、社区(村)",
        "第 2 版",
        "增补两癌救助政策",
    )
    assert (row["版本数"], row["下载次数"], row["下载单位数"]) == (2, 3, 2)
    [city_row] = _sheet("building_handbooks", city)
    assert (city_row["下载次数"], city_row["下载单位数"]) == (4, 3)
    downloads = _sheet("building_handbook_downloads", daoli)
    assert sorted((r["下载单位"], r["版本"], r["下载人"]) for r in downloads) == sorted(
        [
            ("道里区妇联", "第 2 版", daoli.name),
            ("新阳路街道", "第 2 版", "李秀珍"),
            ("新阳路街道", "第 2 版", "李秀珍"),
        ]
    )  # people by name, never the login
    client.force_login(daoli)
    page = client.get("/building/handbooks/").content.decode()
    assert reverse("ledger-export-building_handbooks") in page
    assert reverse("ledger-export-building_handbook_downloads") in page
