"""RPT-3 with CAM-3: plans import from the ledger template — every row checked, errors by row and column
in Chinese, nothing written when any row is wrong; a unit's existing plan gets a new version."""

from __future__ import annotations

import pytest

from fuqing.campaigns.models import Plan
from fuqing.core.ledger import ImportContext, get_ledger, import_file, write_xlsx

pytestmark = pytest.mark.usefixtures("campaign")
HEADERS = ["单位", "标题", "活动目标", "工作责任", "牵头领导", "主要措施"]


def xlsx(tmp_path, rows) -> str:
    path = str(tmp_path / "plans.xlsx")
    write_xlsx(path, "实施方案", HEADERS, rows, [20] * len(HEADERS))
    return path


@pytest.fixture
def township_chair(tree):
    from tests.conftest import make_user

    return make_user(tree.a1, "cadre", username="a1chair", name="刘春梅")


def test_rpt3_cam3_plans_import_for_the_district_and_its_township(tree, daoli, township_chair, tmp_path):
    path = xlsx(
        tmp_path,
        [
            ["道里区妇联", "道里区方案", "目标一\n目标二", "主席牵头", "daoli", "分片包干"],
            ["230102002", "新阳路街道方案", "走访", "主席负责", "刘春梅", ""],
        ],
    )
    summary = import_file(get_ledger("plans"), path, ImportContext(actor=daoli, org=tree.a))
    assert summary.errors == [] and summary.imported == 2
    plan = Plan.objects.get(org=tree.a)
    assert plan.goals == "目标一\n目标二" and list(plan.leaders.all()) == [daoli]
    assert Plan.objects.get(org=tree.a1).leaders.get() == township_chair


def test_rpt3_cam3_errors_come_back_by_row_and_column_and_nothing_is_written(tree, daoli, nangang, tmp_path):
    path = xlsx(
        tmp_path,
        [
            ["道里区妇联", "方案", "目标", "责任", "daoli", ""],
            ["南岗区妇联", "方案", "目标", "责任", "nangang", ""],  # outside the target
            ["道里区妇联", "方案", "目标", "责任", "daoli", ""],  # twice
            ["新阳路街道", "方案", "目标", "", "daoli", ""],  # no responsibilities
            ["新阳路街道", "方案", "目标", "责任", "daoli", ""],  # daoli is not of the township
        ],
    )
    summary = import_file(get_ledger("plans"), path, ImportContext(actor=daoli, org=tree.a))
    problems = {(e.row, e.column): e.message for e in summary.errors}
    assert "找不到“南岗区妇联”" in problems[(3, "单位")]
    assert "出现了不止一次" in problems[(4, "单位")]
    assert "必填" in problems[(5, "工作责任")]
    assert "daoli 不是“新阳路街道”的在职人员" in problems[(6, "牵头领导")]
    assert not summary.written and not Plan.objects.exists()


def test_rpt3_cam3_reimport_saves_a_new_version(tree, daoli, tmp_path):
    ledger = get_ledger("plans")
    import_file(
        ledger,
        xlsx(tmp_path, [["道里区妇联", "方案", "目标", "责任", "daoli", ""]]),
        ImportContext(actor=daoli, org=tree.a),
    )
    import_file(
        ledger,
        xlsx(tmp_path, [["道里区妇联", "方案", "新目标", "责任", "daoli", ""]]),
        ImportContext(actor=daoli, org=tree.a),
    )
    plan = Plan.objects.get(org=tree.a)
    assert plan.version == 2 and plan.goals == "新目标"
    assert list(plan.versions.order_by("version").values_list("goals", flat=True)) == ["目标", "新目标"]


def test_rpt3_cam3_import_page_runs_as_a_job(
    tree, daoli, login_as, tmp_path, django_capture_on_commit_callbacks
):
    client = login_as(daoli)
    assert client.get("/ledgers/plans/template/").status_code == 200
    path = xlsx(tmp_path, [["道里区妇联", "方案", "目标", "责任", "daoli", ""]])
    with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ledgers/plans/import/", {"file": handle, "org": str(tree.a.pk)})
    assert response.status_code == 302
    assert Plan.objects.filter(org=tree.a).exists()


def test_rpt3_cam3_volunteers_cannot_import_plans(tree, login_as):
    from tests.conftest import make_user

    volunteer = make_user(tree.a, "volunteer")
    assert login_as(volunteer).get("/ledgers/plans/import/").status_code == 403
