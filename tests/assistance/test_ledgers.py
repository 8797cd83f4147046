"""RPT-2, RPT-3 for the needs, pairings and actions registers: exports masked, templates, imports with
Chinese errors per row and column, all-or-nothing."""

import openpyxl
import pytest
from django.urls import reverse

from fuqing.assistance.models import Action, Need, Pairing
from fuqing.core.ledger import (
    ImportContext,
    export_to_file,
    get_ledger,
    import_file,
    template_to_file,
    write_xlsx,
)
from tests.ledger_sheets import table

NEED_HEADERS = [
    "所属单位",
    "妇女姓名",
    "群体",
    "人数",
    "类别",
    "来源",
    "紧急程度",
    "诉求描述",
    "反映日期",
    "复查日期",
]


def _file(tmp_path, headers, rows, name="in.xlsx"):
    path = str(tmp_path / name)
    write_xlsx(path, "t", headers, rows, [12] * len(headers))
    return path


def _sheet(path):
    return table(path)


def test_rpt2_needs_export_masks_the_woman(daoli, woman, make_need):
    make_need(daoli, woman.org, woman=woman, description="希望提供灵活就业岗位")
    path, count = export_to_file(get_ledger("needs"), daoli)
    rows = _sheet(path)
    assert count == 1 and "张*英" in rows[1] and "张秀英" not in str(rows)
    assert rows[0][:4] == ["诉求编号", "所属单位", "档案编号", "妇女姓名"]


def test_rpt3_templates_exist_for_the_three_registers(login_as, daoli):
    client = login_as(daoli)
    for name in ("needs", "pairings", "actions"):
        path = template_to_file(get_ledger(name))
        assert "说明" in openpyxl.load_workbook(path).sheetnames
        assert client.get(reverse(f"ledger-template-{name}")).status_code == 200


def test_rpt3_needs_import_writes_through_the_service(daoli, tree, woman, tmp_path):
    path = _file(
        tmp_path,
        NEED_HEADERS,
        [
            [
                "友谊社区",
                "张秀英",
                "",
                "",
                "就业",
                "走访",
                "一般",
                "希望提供灵活就业岗位",
                "2014-04-15",
                "2014-05-15",
            ],
            [
                "",
                "",
                "新阳路街道失业妇女",
                12,
                "创业贷款",
                "座谈会",
                "紧急",
                "小额贷款额度低",
                "2014年4月20日",
                "",
            ],
        ],
    )
    summary = import_file(get_ledger("needs"), path, ImportContext(actor=daoli, org=tree.a1))
    assert summary.errors == [] and summary.imported == 2
    need = Need.objects.get(woman=woman)
    assert need.org == tree.a1a and need.keywords.filter(keyword="灵活就业").exists()
    assert (
        Need.objects.get(group_size=12).org == tree.a1 and Need.objects.get(group_size=12).urgency == "urgent"
    )


def test_rpt3_a_file_with_errors_writes_nothing_and_says_why_in_chinese(
    daoli, tree, outsider_woman, tmp_path
):
    path = _file(
        tmp_path,
        NEED_HEADERS,
        [
            ["友谊社区", "", "妇女", "", "就业", "走访", "", "希望提供岗位", "2014-04-15", ""],
            ["友谊社区", "王桂兰", "", "", "就业", "走访", "", "希望提供岗位", "2014-04-15", ""],
            ["友谊社区", "", "妇女", "", "不存在的类别", "走访", "", "x", "2014-04-15", ""],
            ["友谊社区", "", "", "", "就业", "微信", "", "x", "2014-04-15", ""],
            ["友谊社区", "", "妇女", "", "就业", "走访", "", "x", "2014-04-15", "2014-01-01"],
        ],
    )
    summary = import_file(get_ledger("needs"), path, ImportContext(actor=daoli, org=tree.a))
    errors = {(e.row, e.column): e.message for e in summary.errors}
    assert "找不到名为“王*兰”的在册妇女" in errors[(3, "妇女姓名")]  # masked: kept in the job (REG-3)
    assert "没有名为“不存在的类别”" in errors[(4, "类别")]
    assert "应为以下之一" in errors[(5, "来源")]
    assert "复查日期不能早于" in errors[(6, "复查日期")]
    assert not summary.written and Need.objects.count() == 0
    valid_only = import_file(
        get_ledger("needs"), path, ImportContext(actor=daoli, org=tree.a, valid_only=True)
    )
    assert valid_only.imported == 1 and Need.objects.count() == 1


def test_rpt3_pairings_and_actions_import(daoli, colleague, tree, woman, make_need, tmp_path):
    path = _file(
        tmp_path,
        ["负责单位", "形式", "妇女姓名", "帮扶干部", "帮扶单位", "结对日期", "复查日期"],
        [["友谊社区", "多帮一", "张秀英", "colleague", "新阳路街道", "2014-04-20", "2014-10-20"]],
    )
    summary = import_file(get_ledger("pairings"), path, ImportContext(actor=daoli, org=tree.a))
    assert summary.errors == [] and Pairing.objects.get().helpers.count() == 2
    need = make_need(daoli, woman.org, woman=woman)
    path = _file(
        tmp_path,
        ["诉求编号", "服务类型", "金额（元）", "项目名称", "提供人", "日期"],
        [
            [str(need.pk), "资金", "2,000", "贫困母亲救助", "daoli", "2014-05-06"],
            [str(need.pk), "资金", "", "", "daoli", "2014-05-06"],
        ],
        name="actions.xlsx",
    )
    summary = import_file(get_ledger("actions"), path, ImportContext(actor=daoli, org=tree.a))
    assert [(e.row, e.column) for e in summary.errors] == [(3, "金额（元）")]
    assert Action.objects.count() == 0
    summary = import_file(
        get_ledger("actions"), path, ImportContext(actor=daoli, org=tree.a, valid_only=True)
    )
    assert Action.objects.get().woman == woman


@pytest.mark.parametrize("name", ["needs", "pairings", "actions"])
def test_rpt2_exports_stay_in_scope(login_as, nangang, daoli, tree, woman, make_need, name):
    need = make_need(daoli, woman.org, woman=woman, description="道里区诉求")
    from fuqing.assistance import pairings

    pairings.create_pairing(
        daoli,
        org=woman.org,
        kind="one_to_one",
        woman=woman,
        starts_on=need.reported_on,
        helper_users=[daoli],
        notes="道里区诉求",
    )
    pairings.record_action(
        daoli, need=need, service="policy", given_on=need.reported_on, given_by=daoli, notes="道里区诉求"
    )
    response = login_as(nangang).get(reverse(f"ledger-export-{name}"))
    content = b"".join(response.streaming_content)

    rows = table(content)
    assert len(rows) == 1
