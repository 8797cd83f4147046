"""RPT-2/RPT-3 for projects: the progress, beneficiaries and volunteer_pairs ledgers — exports in scope
and masked, import templates, imports with Chinese errors by row and column, all or nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from fuqing.core.ledger import ImportContext, get_ledger, import_file, write_xlsx
from fuqing.projects import services
from fuqing.projects.models import Beneficiary, Household, ProgressEntry, Volunteer, VolunteerPair
from fuqing.registry import privacy
from tests.ledger_sheets import table
from tests.projects.conftest import make_woman

MAY = datetime.date(2014, 5, 1)


def _xlsx(tmp_path, headers, rows, name="in.xlsx") -> str:
    path = str(tmp_path / name)
    write_xlsx(path, "sheet", headers, rows, [12] * len(headers))
    return path


def _rows(response) -> list[tuple]:
    return [tuple(row) for row in table(response)]


def _import(name, path, user, org, valid_only=False):
    return import_file(get_ledger(name), path, ImportContext(actor=user, org=org, valid_only=valid_only))


# --- progress --------------------------------------------------------------------------------------

PROGRESS_HEADERS = ["年度", "项目", "指标", "单位", "月份", "本月完成数", "更正原因/备注"]


def test_rpt3_prj3_progress_imports_monthly_values(tree, jobs, daoli, tmp_path):
    path = _xlsx(
        tmp_path,
        PROGRESS_HEADERS,
        [
            [2014, "春风送岗位", "提供就业岗位", "", "2014-05", 120, ""],
            [2014, "春风送岗位", "提供就业岗位", "新阳路街道", "2014年6月", "80", ""],
            [2014, "春风送岗位", "提供就业岗位", "230102002", 7, 30, ""],
        ],
    )
    summary = _import("progress", path, daoli, tree.a)
    assert summary.errors == [] and summary.imported == 3
    values = dict(ProgressEntry.objects.values_list("month", "value"))
    assert values[MAY] == Decimal(120) and values[datetime.date(2014, 7, 1)] == Decimal(30)


def test_rpt3_prj3_progress_import_reports_errors_by_row_and_column_and_writes_nothing(
    tree, jobs, relief, daoli, tmp_path
):
    services.report_progress(daoli, indicator=jobs, org=tree.a, month=MAY, value=100)
    path = _xlsx(
        tmp_path,
        PROGRESS_HEADERS,
        [
            [2014, "春风送岗位", "提供就业岗位", "", "2014-06", 50, ""],
            [2014, "春风送岗位", "提供就业岗位", "", "2014-05", 90, ""],
            [2014, "春风送岗位", "岗位数", "", "2014-06", 5, ""],
            [2014, "贫困母亲救助", "泥草房改建", "", "2014-06", 5, ""],
            [2014, "春风送岗位", "提供就业岗位", "南岗区妇联", "2014-06", 5, ""],
            [2014, "春风送岗位", "提供就业岗位", "", "13月", 5, ""],
            [2014, "春风送岗位", "提供就业岗位", "", "2014-06", "五十", ""],
            [2014, "春风送岗位", "提供就业岗位", "", "2014-06", 60, ""],
        ],
    )
    summary = _import("progress", path, daoli, tree.a)
    errors = {(e.row, e.column): e.message for e in summary.errors}
    assert "该月已填报 100，更正须填写原因" in errors[(3, "更正原因/备注")]
    assert "“春风送岗位”没有名为“岗位数”的指标" in errors[(4, "指标")]
    assert "由记录自动计算，不能填报" in errors[(5, "指标")]
    assert "在“道里区妇联”之下找不到“南岗区妇联”" in errors[(6, "单位")]
    assert "月份应为 1 至 12" in errors[(7, "月份")]
    assert "应为数字" in errors[(8, "本月完成数")]
    assert "与第 2 行是同一单位、同一指标、同一月份" in errors[(9, "月份")]
    assert not summary.written and ProgressEntry.objects.count() == 1
    only_valid = _import("progress", path, daoli, tree.a, valid_only=True)
    assert only_valid.imported == 1 and ProgressEntry.objects.count() == 2


def test_rpt2_prj3_progress_export_has_the_history_in_scope(tree, jobs, daoli, nangang, login_as):
    services.report_progress(daoli, indicator=jobs, org=tree.a, month=MAY, value=100)
    services.report_progress(daoli, indicator=jobs, org=tree.a, month=MAY, value=110, reason="补报")
    services.report_progress(nangang, indicator=jobs, org=tree.b, month=MAY, value=999)
    rows = _rows(login_as(daoli).get("/ledgers/progress/export/"))
    assert rows[0][:7] == tuple(PROGRESS_HEADERS)
    body = rows[1:]
    assert {(r[3], r[5], r[8]) for r in body} == {
        ("道里区妇联", 100, "已被更正"),
        ("道里区妇联", 110, "当前值"),
    }


def test_rpt3_prj3_progress_template_explains_each_column(jobs, daoli, login_as):
    response = login_as(daoli).get("/ledgers/progress/template/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert header == tuple(PROGRESS_HEADERS)
    notes = [r for r in book["说明"].iter_rows(values_only=True)]
    assert any("当月完成的数，不是累计数" in (r[2] or "") for r in notes)


def test_rpt3_prj3_progress_imports_through_the_web_as_a_job(tree, jobs, daoli, login_as, tmp_path):
    from fuqing.core.ledger_jobs import run_import
    from fuqing.core.models import Job

    path = _xlsx(tmp_path, PROGRESS_HEADERS, [[2014, "春风送岗位", "提供就业岗位", "", "2014-05", 12, ""]])
    client = login_as(daoli)
    with open(path, "rb") as handle:
        response = client.post("/ledgers/progress/import/", {"file": handle, "org": tree.a.pk})
    job = Job.objects.get(kind="ledger_import", params__ledger="progress")
    assert response.status_code == 302 and job.org == tree.a
    result = run_import(job, lambda done, total: None)  # what the worker runs
    assert result["imported"] == 1
    assert ProgressEntry.objects.get().value == Decimal(12)


# --- beneficiaries ----------------------------------------------------------------------------------

BENEFICIARY_HEADERS = [
    "年度",
    "项目",
    "帮扶类别",
    "姓名",
    "身份证号",
    "档案编号",
    "受助日期",
    "金额（元）",
    "帮扶单位",
    "备注",
]


def test_rpt3_prj4_beneficiaries_import_by_record_number_and_refuse_the_same_help_twice(
    tree, relief, women, daoli, tmp_path
):
    services.record_beneficiary(
        daoli, project=relief["project"], woman=women[2], org=tree.a, received_on=MAY, help_kind="生活救助"
    )
    outsider = make_woman(tree.b1, "刘春华")
    row = [
        2014,
        "贫困母亲救助",
        "泥草房改建",
        "张秀英",
        "",
        str(women[0].pk),
        "2014-05-12",
        20000,
        "新阳路街道",
        "",
    ]
    path = _xlsx(
        tmp_path,
        BENEFICIARY_HEADERS,
        [
            row,
            row,
            [2014, "贫困母亲救助", "生活救助", "王淑珍", "", str(women[2].pk), "2014-05-01", 800, "", ""],
            [2014, "贫困母亲救助", "助学", "李桂兰", "", str(women[1].pk), "2014-05-12", "", "", ""],
            [2014, "贫困母亲救助", "生活救助", "李桂芝", "", str(women[1].pk), "2014-05-12", "", "", ""],
            [2014, "贫困母亲救助", "生活救助", "刘春华", "", str(outsider.pk), "2014-05-12", "", "", ""],
            [2014, "贫困母亲救助", "生活救助", "李桂兰", "", "", "2014-05-12", "", "", ""],
        ],
    )
    summary = _import("beneficiaries", path, daoli, tree.a)
    errors = {(e.row, e.column): e.message for e in summary.errors}
    assert "与第 2 行是同一妇女同一天的同一帮扶，不重复计数" in errors[(3, "受助日期")]
    assert "已记录过该妇女同一天的同一帮扶" in errors[(4, "受助日期")]
    assert "应为：泥草房改建、生活救助" in errors[(5, "帮扶类别")]
    assert "姓名与妇女档案不一致" in errors[(6, "姓名")]
    assert "在您的范围内没有找到该妇女的在册档案" in errors[(7, "档案编号")]
    assert "请填写身份证号或档案编号" in errors[(8, "身份证号")]
    assert Beneficiary.objects.count() == 1
    assert _import("beneficiaries", path, daoli, tree.a, valid_only=True).imported == 1
    assert Beneficiary.objects.filter(woman=women[0], org=tree.a1, amount=20000).exists()


def test_rpt3_prj4_beneficiaries_import_finds_a_woman_by_id_number(tree, relief, daoli, tmp_path):
    from fuqing.projects.ledgers.beneficiaries import id_number_index

    woman = make_woman(
        tree.a1a,
        "陈玉凤",
        id_number="360426199101010061",
        id_number_index=id_number_index("360426199101010061"),
    )
    privacy.give_consent(daoli, woman, "finance", given_on=datetime.date(2014, 4, 1))  # she receives money
    path = _xlsx(
        tmp_path,
        BENEFICIARY_HEADERS,
        [[2014, "贫困母亲救助", "生活救助", "陈玉凤", "360426199101010061", "", "2014.5.3", 500, "", ""]],
    )
    summary = _import("beneficiaries", path, daoli, tree.a)
    assert summary.errors == [] and Beneficiary.objects.get().woman == woman


def test_rpt2_prj4_beneficiaries_export_is_masked_and_in_scope(tree, relief, women, daoli, nangang, login_as):
    services.record_beneficiary(
        daoli,
        project=relief["project"],
        woman=women[0],
        org=tree.a1,
        received_on=MAY,
        help_kind="生活救助",
        notes="=HYPERLINK(1)",
    )
    outsider = make_woman(tree.b1, "刘春华")
    services.record_beneficiary(
        nangang, project=relief["project"], woman=outsider, org=tree.b1, received_on=MAY, help_kind="生活救助"
    )
    rows = _rows(login_as(daoli).get("/ledgers/beneficiaries/export/"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["姓名"] == "张*英" and row["备注"] == "'=HYPERLINK(1)"
    text = str(rows)
    assert "张秀英" not in text and "刘" not in text


# --- volunteer pairs ----------------------------------------------------------------------------------

PAIR_HEADERS = [
    "年度",
    "项目",
    "志愿者姓名",
    "志愿者手机",
    "志愿者所在单位",
    "家庭住址",
    "家庭所在社区(村)",
    "老人姓名",
    "结对日期",
    "备注",
]


def test_rpt3_prj5_pairs_import_registers_volunteers_and_households_and_pairs_them(
    tree, sunset, daoli, tmp_path
):
    path = _xlsx(
        tmp_path,
        PAIR_HEADERS,
        [
            [
                2014,
                "爱心暖夕阳",
                "赵桂兰",
                "13904511234",
                "友谊社区",
                "友谊路12号",
                "",
                "王桂芝",
                "2014-04-20",
                "",
            ],
            [
                2014,
                "爱心暖夕阳",
                "赵桂兰",
                "13904511234",
                "友谊社区",
                "友谊路13号",
                "",
                "李长顺",
                "2014-04-21",
                "",
            ],
            [
                2014,
                "爱心暖夕阳",
                "刘春梅",
                "",
                "友谊社区",
                "友谊路12号",
                "",
                "",
                "2014-04-22",
                "第二位志愿者",
            ],
        ],
    )
    summary = _import("volunteer_pairs", path, daoli, tree.a)
    assert summary.errors == [] and summary.imported == 3
    assert Volunteer.objects.count() == 2 and Household.objects.count() == 2
    assert VolunteerPair.objects.count() == 3


def test_rpt3_prj5_pairs_import_checks_area_and_duplicates(tree, sunset, daoli, tmp_path):
    from fuqing.orgs import services as org_services
    from fuqing.orgs.models import OrgKind

    org_services.add_org(None, parent=tree.a, name="兆麟街道", kind=OrgKind.TOWNSHIP)
    row = [
        2014,
        "爱心暖夕阳",
        "赵桂兰",
        "13904511234",
        "友谊社区",
        "友谊路12号",
        "",
        "王桂芝",
        "2014-04-20",
        "",
    ]
    path = _xlsx(
        tmp_path,
        PAIR_HEADERS,
        [
            row,
            row,
            [2014, "爱心暖夕阳", "刘春梅", "", "友谊社区", "兆麟街1号", "兆麟街道", "张氏", "2014-04-20", ""],
            [2014, "爱心暖夕阳", "孙丽", "", "友谊社区", "友谊路30号", "", "", "2014-04-20", ""],
            [2014, "爱心暖夕阳", "孙丽", "1390451", "友谊社区", "友谊路31号", "", "周氏", "2014-04-20", ""],
        ],
    )
    summary = _import("volunteer_pairs", path, daoli, tree.a)
    errors = {(e.row, e.column): e.message for e in summary.errors}
    assert "与第 2 行重复" in errors[(3, "家庭住址")]
    assert "只能与“新阳路街道”范围内的家庭结对" in errors[(4, "家庭所在社区(村)")]
    assert "新登记的家庭须填写老人姓名" in errors[(5, "老人姓名")]
    assert "手机号码应为 1 开头的 11 位数字" in errors[(6, "志愿者手机")]
    assert not VolunteerPair.objects.exists() and not Volunteer.objects.exists()


def test_rpt2_prj5_pairs_export_masks_phones_and_elders(tree, sunset, colleague, login_as):
    volunteer = services.register_volunteer(colleague, org=tree.a1a, name="赵桂兰", phone="13904511234")
    home = services.add_household(colleague, org=tree.a1a, address="友谊路12号", elders=[{"name": "王桂芝"}])
    services.pair(colleague, project=sunset["project"], volunteer=volunteer, household=home, started_on=MAY)
    rows = _rows(login_as(colleague).get("/ledgers/volunteer_pairs/export/"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (
        row["志愿者手机"] == "139****1234" and row["老人姓名"] == "王*芝" and row["家庭住址"] == "友谊路12号"
    )


@pytest.mark.parametrize("name", ["progress", "beneficiaries", "volunteer_pairs"])
def test_rpt2_ledgers_export_in_bounded_queries(
    name, tree, jobs, daoli, login_as, django_assert_max_num_queries
):
    client = login_as(daoli)
    with django_assert_max_num_queries(25):
        assert client.get(f"/ledgers/{name}/export/").status_code == 200
