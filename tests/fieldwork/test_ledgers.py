"""The ``visits`` and ``contact_points`` ledgers (RPT-2, RPT-3): export of the scope (masked where
personal), the import template, messy real-world files, Chinese errors by row and column, all-or-nothing,
the management command and the API."""

from __future__ import annotations

import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from fuqing.core.ledger import ImportContext, get_ledger, import_file
from fuqing.fieldwork import services
from fuqing.fieldwork.models import ContactPoint, Visit, VisitDay
from fuqing.registry.models import VulnerableGroup
from tests.fieldwork.conftest import record
from tests.ledger_sheets import table


def _xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


def _import(name, path, user, org, valid_only=False):
    return import_file(get_ledger(name), path, ImportContext(actor=user, org=org, valid_only=valid_only))


def _read(response) -> list[tuple]:
    return [tuple(r) for r in table(response)]


def test_rpt3_visits_import_accepts_real_ledger_headers_and_date_spellings(tree, daoli, colleague, tmp_path):
    path = _xlsx(
        tmp_path / "v.xlsx",
        [
            ["道里区妇联2014年走访台账"],  # a title line above the header
            [
                "走访日期",
                "结束时间",
                "方式",
                "地点",
                "带队领导",
                "参加人",
                "妇女人数",
                "其中困难群体",
                "走访情况",
                "诉求",
            ],
            [
                "2014-4-15",
                "",
                "入户",
                "友谊社区",
                "daoli",
                "colleague",
                "３",
                "留守妇女2、失地1",
                "了解情况",
                "就业：家政培训；住房：危房",
            ],
            ["2014.4.16", "2014/04/22", "蹲点调研", "友谊社区", "daoli", "", 12, "", "", ""],
            ["2014年4月17日", None, "座谈交流", " 友谊社区 ", "colleague", "", None, "", "", ""],
            [
                datetime.datetime(2014, 4, 18),
                None,
                "一对一访谈",
                "新阳路街道",
                "colleague",
                "",
                1,
                "",
                "",
                "",
            ],
        ],
    )
    summary = _import("visits", path, daoli, tree.a)
    assert summary.errors == [] and summary.imported == 4 and summary.written
    first = Visit.objects.get(started_on=datetime.date(2014, 4, 15))
    assert (first.method, first.place, first.lead, first.women_met) == ("home_visit", tree.a1a, daoli, 3)
    assert set(first.members.all()) == {daoli, colleague}
    assert services.parse_needs(first.needs_text) == [
        {"category": "就业", "text": "家政培训"},
        {"category": "住房", "text": "危房"},
    ]
    counts = dict(first.group_counts.values_list("group__code", "count"))
    assert counts == {"left-behind": 2, "landless": 1}
    stay = Visit.objects.get(started_on=datetime.date(2014, 4, 16))
    assert stay.days == 7 and VisitDay.objects.filter(visit=stay).count() == 7
    assert Visit.objects.filter(started_on=datetime.date(2014, 4, 18)).get().place == tree.a1


def test_rpt3_errors_come_back_by_row_and_column_in_chinese_and_nothing_is_written(tree, daoli, tmp_path):
    path = _xlsx(
        tmp_path / "bad.xlsx",
        [
            ["开始日期", "结束日期", "走访方式", "走访地点", "带队人", "走访妇女人数"],
            ["2014-04-15", "", "入户走访", "友谊社区", "daoli", 3],
            ["2014-04-31", "", "入户走访", "友谊社区", "daoli", 3],
            ["2014-04-15", "2014-04-17", "蹲点调研", "友谊社区", "daoli", 3],
            ["2014-04-15", "", "开会", "火星社区", "nobody", "很多"],
        ],
    )
    summary = _import("visits", path, daoli, tree.a)
    errors = {(e.row, e.column): e.message for e in summary.errors}
    assert errors[(3, "开始日期")] == "不是有效的日期。"
    assert "蹲点调研时间不少于一周" in errors[(4, "结束日期")]
    assert "应为以下之一" in errors[(5, "走访方式")]
    assert errors[(5, "走访妇女人数")] == "应为整数。"
    assert not summary.written and not Visit.objects.exists()
    only_valid = _import("visits", path, daoli, tree.a, valid_only=True)
    assert only_valid.imported == 1 and Visit.objects.count() == 1


def test_rpt3_unknown_places_and_cadres_are_named(tree, daoli, tmp_path):
    path = _xlsx(
        tmp_path / "who.xlsx",
        [["开始日期", "走访方式", "走访地点", "带队人"], ["2014-04-15", "入户走访", "火星社区", "nobody"]],
    )
    errors = {(e.row, e.column): e.message for e in _import("visits", path, daoli, tree.a).errors}
    assert errors[(2, "走访地点")].startswith("在“道里区妇联”之下找不到“火星社区”。单位可填：行政区划代码")
    assert "找不到干部“nobody”" in errors[(2, "带队人")]


def test_rpt3_a_visit_ledger_of_another_district_unit_is_refused(tree, daoli, nangang, tmp_path, community_b):
    path = _xlsx(
        tmp_path / "other.xlsx",
        [
            ["所属单位", "开始日期", "走访方式", "走访地点", "带队人"],
            ["南岗区妇联", "2014-04-15", "入户走访", "花园社区", "daoli"],
        ],
    )
    errors = {(e.row, e.column) for e in _import("visits", path, daoli, tree.a).errors}
    assert (2, "所属单位") in errors and (2, "走访地点") in errors


def test_rpt2_visits_export_is_the_scope_with_every_column(tree, daoli, nangang, community_b, login_as):
    group = VulnerableGroup.objects.get(code="left-behind")
    record(daoli, start=datetime.date(2014, 4, 15), place=tree.a1a, women_met=5, group_counts={group.pk: 2},
           notes="=危险公式", needs_text="就业：培训")  # fmt: skip
    record(nangang, start=datetime.date(2014, 4, 16), place=community_b, notes="南岗的走访")
    rows = _read(login_as(daoli).get(reverse("ledger-export-visits")))
    assert rows[0][:6] == ("编号", "所属单位", "开始日期", "结束日期", "走访方式", "走访地点")
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["开始日期"] == "2014-04-15" and row["走访方式"] == "入户走访" and row["带队人"] == "daoli"
    assert row["困难群体人数"] == "留守妇女2" and row["情况记录"] == "'=危险公式"  # SEC-10
    assert row["领导带队"] == "是"


def test_rpt2_visits_export_honours_the_list_filters(tree, daoli, login_as):
    record(daoli, start=datetime.date(2014, 4, 15), place=tree.a1a)
    record(daoli, start=datetime.date(2014, 5, 15), place=tree.a1a, method="forum")
    rows = _read(login_as(daoli).get(reverse("ledger-export-visits"), {"method": "forum"}))
    assert len(rows) == 2 and rows[1][4] == "座谈交流"


def test_rpt2_contact_points_export_masks_the_contact(tree, daoli, login_as):
    cp = services.save_contact_point(
        daoli,
        None,
        services.ContactPointData(
            org=tree.a,
            place=tree.a1a,
            keeper=daoli,
            since_year=2014,
            contact_name="王丽华",
            contact_phone="13800001234",
        ),
    )
    record(daoli, start=datetime.date(2014, 4, 15), contact_point=cp)
    rows = _read(login_as(daoli).get(reverse("ledger-export-contact_points")))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["联系人"], row["联系电话"], row["最近走访"], row["走访次数"]) == (
        "王*华",
        "138****1234",
        "2014-04-15",
        1,
    )


def test_rpt3_contact_points_import_with_header_variants(tree, daoli, tmp_path):
    path = _xlsx(
        tmp_path / "cp.xlsx",
        [
            ["联系点名称", "负责领导", "联系人姓名", "手机号", "设立年度", "说明"],
            ["友谊社区", "daoli", "王丽", "138 0000 1234", "２０１４", "每月一次"],
            ["新阳路街道", "", "", "", "", ""],
            ["友谊社区", "daoli", "", "", "", "重复"],
        ],
    )
    summary = _import("contact_points", path, daoli, tree.a)
    assert [(e.row, e.column) for e in summary.errors] == [(4, "联系点")]
    summary = _import("contact_points", path, daoli, tree.a, valid_only=True)
    assert summary.imported == 2
    first = ContactPoint.objects.get(place=tree.a1a)
    assert (first.keeper, first.contact_phone, first.since_year) == (daoli, "13800001234", 2014)


def test_rpt3_templates_download_for_both_registers(tree, daoli, login_as):
    client = login_as(daoli)
    for name, required in (("visits", "开始日期"), ("contact_points", "联系点")):
        response = client.get(reverse(f"ledger-template-{name}"))
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert required in [c.value for c in book.worksheets[0][1]]
        assert book.sheetnames[1] == "说明"


def test_rpt3_import_ledger_command_prints_a_json_summary(tree, daoli, tmp_path, capsys):
    path = _xlsx(
        tmp_path / "v.xlsx",
        [["开始日期", "走访方式", "走访地点", "带队人"], ["2014-04-15", "入户走访", "友谊社区", "daoli"]],
    )
    call_command("import_ledger", "visits", path, "--org", "230102", "--user", "daoli")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["imported"] == 1 and summary["errors"] == []
    bad = _xlsx(
        tmp_path / "b.xlsx",
        [["开始日期", "走访方式", "走访地点", "带队人"], ["2014-04-15", "开会", "友谊社区", "daoli"]],
    )
    with pytest.raises(CommandError):
        call_command("import_ledger", "visits", bad, "--org", "230102", "--user", "daoli")
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["errors"][0]["row"] == 2 and out["errors"][0]["column"] == "走访方式"


def test_rpt3_the_api_imports_visits_as_a_job(
    tree, daoli, client, tmp_path, django_capture_on_commit_callbacks
):
    from fuqing.core import jobs
    from fuqing.core.models import Job
    from tests.fieldwork.test_api import token_for

    path = _xlsx(
        tmp_path / "v.xlsx",
        [["开始日期", "走访方式", "走访地点", "带队人"], ["2014-04-15", "入户走访", "友谊社区", "daoli"]],
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(daoli)}"}
    with open(path, "rb") as handle, django_capture_on_commit_callbacks() as enqueued:
        response = client.post("/api/v1/imports/visits/", {"file": handle, "org": "230102"}, **headers)
    assert response.status_code == 202 and len(enqueued) == 1
    # run the job as the worker would (the worker's connection handling has no place in a test transaction)
    jobs.run(Job.objects.get(pk=response.json()["id"]))
    job = client.get(f"/api/v1/jobs/{response.json()['id']}/", **headers).json()
    assert job["status"] == "succeeded" and job["result"]["imported"] == 1
    assert Visit.objects.get().place == tree.a1a
