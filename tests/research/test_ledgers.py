"""RPT-2/RPT-3 for research: the topics ledger exports with its RES-1 check and imports by the rules;
reports and scores export for the user's scope (scores blind)."""

from __future__ import annotations

import openpyxl
from django.urls import reverse

from fuqing.core.ledger import ImportContext, get_ledger, import_file
from fuqing.research.models import Topic
from fuqing.research.services import cup as cup_services
from fuqing.research.services import topics as topic_services
from tests.ledger_sheets import table

YEAR = 2014


def _xlsx(tmp_path, rows) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["年度", "课题单位", "课题名称", "组长", "课题组成员", "研究内容"])
    for row in rows:
        sheet.append(row)
    path = str(tmp_path / "topics.xlsx")
    book.save(path)
    return path


def test_res1_topics_import_checks_unit_and_leader_per_row(
    tree, tmp_path, researcher, daoli, a_chair, city_leader
):
    path = _xlsx(
        tmp_path,
        [
            [YEAR, "道里区妇联", "失地妇女就业调研", "赵淑华", "李秀英", "征地后的就业"],
            [YEAR, "道里区妇联", "副主席带队的课题", "daoli", "", ""],
            [YEAR, "不存在的区", "课题", "赵淑华", "", ""],
        ],
    )
    ledger = get_ledger("research_topics")
    summary = import_file(ledger, path, ImportContext(actor=daoli, org=tree.a))
    assert not summary.written and not Topic.objects.exists()  # all or nothing
    errors = {(e.row, e.column) for e in summary.errors}
    assert errors == {(3, "课题组组长"), (4, "课题单位")}
    assert "主席带队" in next(e.message for e in summary.errors if e.row == 3)
    summary = import_file(ledger, path, ImportContext(actor=daoli, org=tree.a, valid_only=True))
    topic = Topic.objects.get()
    assert summary.imported == 1 and topic.leader == a_chair and topic.members == "李秀英"


def test_res1_topics_import_for_a_department_uses_the_city_leaders(tree, tmp_path, dept_cadre, city_leader):
    path = _xlsx(tmp_path, [[YEAR, "", "机关作风建设研究", "city", "", ""]])
    summary = import_file(
        get_ledger("research_topics"), path, ImportContext(actor=dept_cadre, org=tree.research)
    )
    assert summary.imported == 1 and Topic.objects.get().org == tree.research


def test_res1_topics_export_carries_the_check(tree, login_as, researcher, daoli, a_chair):
    topic_services.create_topic(daoli, org=tree.a, year=YEAR, title="课题一", leader=a_chair)
    topic_services.create_topic(daoli, org=tree.a, year=YEAR, title="课题二", leader=a_chair)
    response = login_as(researcher).get(reverse("ledger-export-research_topics"), {"year": YEAR})
    rows = [tuple(r) for r in table(response)]
    assert rows[0] == ("年度", "课题单位", "课题名称", "课题组组长", "课题组成员", "研究内容", "落实情况")
    assert all("通知要求 1 个" in r[6] for r in rows[1:])


def test_res2_reports_export_for_the_users_scope(tree, login_as, new_report, daoli, nangang):
    new_report(daoli, tree.a, title="道里区报告")
    new_report(nangang, tree.b, title="南岗区报告")
    response = login_as(daoli).get(reverse("ledger-export-research_reports"))
    rows = [tuple(r) for r in table(response)]
    titles = [r[2] for r in rows[1:]]
    assert titles == ["道里区报告"]
    assert rows[1][9].startswith("2014年4月")  # the situation, in full


def test_res4_scores_export_is_blind_for_judges(tree, login_as, new_report, researcher, city_leader, nangang):
    cup = cup_services.create_competition(researcher, org=tree.research, year=YEAR, name="求实杯")
    entry = cup_services.add_entries(researcher, cup, [new_report(nangang, tree.b, status="submitted").pk])[0]
    cup_services.add_judge(researcher, cup, city_leader)
    cup_services.score(city_leader, entry, {c.pk: 90 for c in cup.criteria.all()}, "")

    def export(user):
        response = login_as(user).get(reverse("ledger-export-research_scores"), {"competition": cup.pk})
        return [tuple(r) for r in table(response)]

    organiser = export(researcher)
    assert len(organiser) == 6 and organiser[1][3] == "南岗区妇联"
    judge = export(city_leader)  # she may change the competition, but judges it: blind
    assert len(judge) == 6 and judge[1][3] == "（匿名评审）"
