"""Three-level training with attendance and the sign-in sheet (BLD-4), the handbook library (BLD-4) and
the conditions of women's work (BLD-6)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.building import coverage, services
from fuqing.building.models import (
    Attendance,
    HandbookDownload,
    HandbookVersion,
    TrainingLevel,
    TrainingSession,
    WorkCondition,
)


def _session(user, org, level=TrainingLevel.TOWNSHIP):
    return services.create_session(
        user,
        org,
        held_on=datetime.date(2014, 4, 16),
        place="会议室",
        level=level,
        topic="业务培训",
        hours=Decimal("6"),
    )


def _sheet(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "单位", "职务", "学时"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("签到表.xlsx", data.getvalue())


def test_bld4_the_city_plans_a_session_and_records_attendance_by_person(client, tree, city_leader):
    client.force_login(city_leader)
    response = client.post(
        "/building/trainings/add/",
        {
            "org": tree.city.pk,
            "held_on": "2014-04-16",
            "place": "市妇联七楼",
            "level": "district",
            "topic": "区县妇联干部培训",
            "hours": "6",
            "trainer": "组织部",
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and session.year == 2014
    client.post(
        f"/building/trainings/{session.pk}/attendance/add/",
        {"org": tree.a.pk, "name": "李秀英", "position": "副主席"},
    )
    client.post(
        f"/building/trainings/{session.pk}/attendance/add/", {"org": tree.a.pk, "name": "李秀英"}
    )  # twice: refused
    attendance = Attendance.objects.get()
    assert attendance.hours == Decimal("6") and attendance.org == tree.a


def test_bld4_the_sign_in_sheet_imports_all_or_nothing(client, tree, daoli):
    session = _session(daoli, tree.a)
    client.force_login(daoli)
    bad = _sheet([["李秀珍", "新阳路街道", "主席", 3], ["无名", "花园街道", "主席", 3]])
    response = client.post(f"/building/trainings/{session.pk}/signin/", {"file": bad}, follow=True)
    assert "第 3 行" in response.content.decode() and not Attendance.objects.exists()
    good = _sheet([["李秀珍", "新阳路街道", "主席", 3], ["郑丽萍", "新阳路街道", "委员", None]])
    client.post(f"/building/trainings/{session.pk}/signin/", {"file": good})
    assert sorted(Attendance.objects.values_list("name", "hours")) == [
        ("李秀珍", Decimal("3.0")),
        ("郑丽萍", Decimal("6.0")),
    ]


def test_bld4_coverage_lists_untrained_units_and_hours_per_cadre(
    client, tree, daoli, django_assert_max_num_queries
):
    from fuqing.orgs import services as org_services
    from fuqing.orgs.models import OrgKind

    other = org_services.add_org(None, parent=tree.a, name="抚顺街道", kind=OrgKind.TOWNSHIP)
    session = _session(daoli, tree.a)
    services.add_attendance(daoli, session, org=tree.a1, name="李秀珍", position="主席")
    client.force_login(daoli)
    with django_assert_max_num_queries(18):
        text = client.get("/building/trainings/coverage/?year=2014").content.decode()
    assert (
        "抚顺街道" in text
        and "友谊社区" in text
        and "新阳路街道" not in text.split("本年没有干部参训的单位")[1]
    )
    text = client.get("/building/trainings/coverage/?year=2014&tab=cadres").content.decode()
    assert "李秀珍" in text and "6.0" in text
    total = coverage.total(tree.a, 2014, datetime.date(2014, 8, 31))
    assert total.trained_units == 1 and total.trained_cadres == 1 and total.training_hours == 6.0
    assert other.kind == OrgKind.TOWNSHIP


def test_bld4_coverage_sums_hours_per_level_and_per_cadre_of_the_level(client, tree, daoli):
    township = _session(daoli, tree.a)  # 街道(乡镇) level, 6 hours
    services.add_attendance(daoli, township, org=tree.a1, name="李秀珍", position="主席")
    services.add_attendance(daoli, township, org=tree.a1, name="郑丽萍", position="委员", hours=Decimal("3"))
    community = _session(daoli, tree.a, level=TrainingLevel.COMMUNITY)
    services.add_attendance(daoli, community, org=tree.a1a, name="王淑芬", hours=Decimal("2"))
    services.add_attendance(daoli, community, org=tree.a1, name="李秀珍", hours=Decimal("2"))
    client.force_login(daoli)
    response = client.get("/building/trainings/coverage/?year=2014")
    levels = {str(row["label"]): row for row in response.context["levels"]}
    assert {k: (r["sessions"], r["people"], r["hours"], r["per_cadre"]) for k, r in levels.items()} == {
        "区县(市)": (0, 0, 0.0, None),
        "街道(乡镇)": (1, 2, 9.0, 4.5),  # 6 + 3 hours, two cadres
        "社区(村)": (1, 2, 4.0, 2.0),  # 2 + 2 hours, two cadres of two units
    }
    text = response.content.decode()
    assert "4.5" in text and "9.0" in text


def test_bld4_the_sibling_cannot_record_attendance_in_a_session_it_does_not_run(client, tree, daoli, nangang):
    session = _session(daoli, tree.a)
    client.force_login(nangang)
    response = client.post(
        f"/building/trainings/{session.pk}/attendance/add/", {"org": tree.b1.pk, "name": "甲"}
    )
    assert response.status_code == 404 and not Attendance.objects.exists()


def _pdf(name="手册.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", "application/pdf")


def test_bld4_handbook_versions_are_kept_and_downloads_counted_per_unit(
    client, tree, city_leader, daoli, nangang
):
    client.force_login(city_leader)
    client.post(
        "/building/handbooks/add/",
        {
            "org": tree.city.pk,
            "title": "妇女工作实用手册",
            "levels": ["district", "township"],
            "description": "",
            "file": _pdf(),
        },
    )
    handbook = HandbookVersion.objects.get().handbook
    client.post(
        f"/building/handbooks/{handbook.pk}/versions/add/",
        {"file": _pdf("v2.pdf"), "changes": "增补两癌救助政策"},
    )
    client.post(
        f"/building/handbooks/{handbook.pk}/versions/add/",
        {"file": SimpleUploadedFile("x.exe", b"MZ"), "changes": "坏文件"},
    )
    assert list(HandbookVersion.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    client.force_login(daoli)
    page = client.get(f"/building/handbooks/{handbook.pk}/").content.decode()
    assert "现行第 2 版" in page and "增补两癌救助政策" in page and "上传新版本" not in page
    current = HandbookVersion.objects.get(number=2)
    assert client.get(f"/building/versions/{current.pk}/download/").status_code == 200
    client.force_login(nangang)
    client.get(f"/building/versions/{current.pk}/download/")
    assert (
        HandbookDownload.objects.filter(org=tree.a).count() == 1
        and HandbookDownload.objects.filter(org=tree.b).count() == 1
    )
    assert (
        client.post(
            f"/building/handbooks/{handbook.pk}/versions/add/", {"file": _pdf(), "changes": "x"}
        ).status_code
        == 404
    )
    assert "适用于本级" in client.get("/building/handbooks/").content.decode()


def test_bld6_conditions_per_unit_and_year_flag_what_is_missing(client, tree, daoli, nangang):
    client.force_login(daoli)
    data = {
        "org": tree.a1.pk,
        "year": 2014,
        "funding": "0",
        "venue": "",
        "venue_area": 0,
        "full_time_staff": 0,
        "part_time_staff": 1,
    }
    assert client.post("/building/conditions/edit/?year=2014", data).status_code == 302
    data.update(funding="30000", venue="街道妇女之家")
    client.post("/building/conditions/edit/?year=2014", data)
    condition = WorkCondition.objects.get()
    assert condition.funding == 30000 and condition.gaps() == ["无专职人员"]
    text = client.get("/building/conditions/?year=2014").content.decode()
    assert "无专职人员" in text and "新阳路街道" in text
    bad = client.post("/building/conditions/edit/?year=2014", {**data, "funding": "-5"})
    assert bad.status_code == 200 and WorkCondition.objects.get().funding == 30000
    client.force_login(nangang)
    assert "新阳路街道" not in client.get("/building/conditions/?year=2014").content.decode()
    assert client.post("/building/conditions/edit/?year=2014", data).status_code == 200
    assert WorkCondition.objects.get().venue == "街道妇女之家"
