"""RES-4: the Qiushi Cup — entries from submitted reports, judges who never score their own unit,
weighted criteria, blind scores, ranking with ties, awards, exported results."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.orgs.models import ScopeGrant
from fuqing.research.models import Competition, ScoreSheet
from fuqing.research.rules import judge_conflict
from fuqing.research.services import cup as services
from tests.conftest import make_user
from tests.research.conftest import token_for

YEAR = 2014


@pytest.fixture
def cup(tree, researcher):
    return services.create_competition(
        researcher,
        org=tree.research,
        year=YEAR,
        name="“求实杯”调研成果评选",
        first_prizes=1,
        second_prizes=1,
        third_prizes=1,
        excellence_prizes=1,
    )


@pytest.fixture
def entries(tree, cup, researcher, new_report, daoli, nangang, city_leader, dept_cadre):
    a = new_report(daoli, tree.a, status="submitted", title="道里区失地妇女就业调研")
    b = new_report(nangang, tree.b, status="reviewed", reviewer=city_leader, title="南岗区留守妇女调研")
    dept = new_report(dept_cadre, tree.research, status="submitted", title="研究室课题报告")
    return {e.report.org: e for e in services.add_entries(researcher, cup, [a.pk, b.pk, dept.pk])}


def _score(judge, entry, value):
    criteria = entry.competition.criteria.all()
    return services.score(judge, entry, {c.pk: Decimal(value) for c in criteria}, "")


def test_res4_a_competition_starts_with_weighted_criteria_adding_to_100(cup):
    assert sum(c.weight for c in cup.criteria.all()) == 100
    assert cup.criteria.count() == 5


def test_res4_criteria_weights_must_add_to_100(cup, researcher):
    with pytest.raises(ValidationError) as caught:
        services.set_criteria(researcher, cup, [("选题", 50), ("分析", 40)])
    assert "100" in caught.value.message_dict["criteria"][0]
    services.set_criteria(researcher, cup, [("选题", 60), ("分析", 40)])
    assert [(c.name, c.weight) for c in cup.criteria.all()] == [("选题", 60), ("分析", 40)]


def test_res4_entries_come_only_from_submitted_reports_of_the_year(tree, cup, researcher, new_report, daoli):
    draft = new_report(daoli, tree.a, title="草稿")
    other_year = new_report(daoli, tree.a, status="submitted", year=YEAR + 1, title="明年")
    for report in (draft, other_year):
        with pytest.raises(ValidationError):
            services.add_entries(researcher, cup, [report.pk])
    assert not cup.entries.exists()


def test_res4_only_the_organiser_manages_the_competition(cup, daoli, city_leader):
    with pytest.raises(PermissionDenied):
        services.set_criteria(daoli, cup, [("选题", 100)])


def test_res4_judges_must_see_every_entry(tree, cup, researcher, daoli, city_leader):
    with pytest.raises(ValidationError) as caught:
        services.add_judge(researcher, cup, daoli)  # sees only her district
    assert "user" in caught.value.message_dict
    assert services.add_judge(researcher, cup, city_leader).user == city_leader


def test_res4_judge_conflict_rule():
    class Unit:
        def __init__(self, pk, path, kind):
            self.pk, self.path, self.kind = pk, path, kind

    city, dept, a, a1, b = (
        Unit(1, "0001", "city"),
        Unit(2, "00010001", "department"),
        Unit(3, "00010002", "district"),
        Unit(4, "000100020001", "township"),
        Unit(5, "00010003", "district"),
    )
    assert judge_conflict(a, a) and judge_conflict(a, a1)  # her district and what it leads
    assert not judge_conflict(a, b) and not judge_conflict(dept, a)
    assert judge_conflict(city, dept) and not judge_conflict(city, a)  # the city's own offices
    assert judge_conflict(dept, dept)


def test_res4_a_judge_never_scores_a_report_of_her_own_unit(tree, cup, entries, researcher, daoli, a_chair):
    ScopeGrant.objects.create(user=a_chair, org=tree.city)  # a district chair with city-wide read judges
    judge = services.add_judge(researcher, cup, a_chair)
    with pytest.raises(PermissionDenied):
        _score(a_chair, entries[tree.a], 90)
    assert not ScoreSheet.objects.exists()
    assert tree.a not in [e.report.org for e in services.entries_for_judge(judge)]
    _score(a_chair, entries[tree.b], 90)  # another district's report she may score


def test_res4_the_judging_pages_hide_the_unit_and_own_unit_entries(
    tree, cup, entries, researcher, login_as, a_chair
):
    ScopeGrant.objects.create(user=a_chair, org=tree.city)
    services.add_judge(researcher, cup, a_chair)
    client = login_as(a_chair)
    page = client.get(reverse("research:cup-judging", args=[cup.pk])).content.decode()
    main = page.split("<main")[1]
    assert "南岗区留守妇女调研" in main and entries[tree.b].code in main
    assert "道里区失地妇女就业调研" not in main  # her own district's: not offered
    assert "南岗区妇联" not in main and "研究室" not in main.replace("研究室课题报告", "")
    score_page = client.get(reverse("research:entry-score", args=[entries[tree.b].pk])).content.decode()
    assert "南岗区妇联" not in score_page.split("<main")[1]
    own = client.get(reverse("research:entry-score", args=[entries[tree.a].pk]))
    assert own.status_code == 302  # sent back to her list with the reason


def test_res4_judges_do_not_see_each_others_scores(
    tree, cup, entries, researcher, city_leader, vice_chair, login_as
):
    services.add_judge(researcher, cup, city_leader)
    services.add_judge(researcher, cup, vice_chair)
    _score(city_leader, entries[tree.b], 91)
    _score(vice_chair, entries[tree.b], 77)
    mine = ScoreSheet.objects.visible_to(vice_chair)
    assert [s.judge.user for s in mine] == [vice_chair]
    page = login_as(vice_chair).get(reverse("research:cup-judging", args=[cup.pk])).content.decode()
    assert "77.00" in page and "91.00" not in page
    response = login_as(vice_chair).get(
        "/api/v1/scores/", HTTP_AUTHORIZATION=f"Bearer {token_for(vice_chair)}"
    )
    assert [s["judge_name"] for s in response.json()["items"]] == ["陈玉兰"]
    assert len(ScoreSheet.objects.visible_to(researcher)) == 2  # the organiser sees all


def test_res4_scores_must_cover_every_criterion_within_0_to_100(tree, cup, entries, researcher, city_leader):
    services.add_judge(researcher, cup, city_leader)
    criteria = list(cup.criteria.all())
    with pytest.raises(ValidationError) as caught:
        services.score(city_leader, entries[tree.b], {criteria[0].pk: "101"})
    assert f"c{criteria[0].pk}" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.score(city_leader, entries[tree.b], {criteria[0].pk: "90"})  # the others missing
    assert not ScoreSheet.objects.exists()


def test_res4_non_judges_cannot_score(tree, cup, entries, nangang):
    with pytest.raises(PermissionDenied):
        _score(nangang, entries[tree.b], 80)


def test_res4_ranking_shares_ranks_on_ties_and_skips_the_next():
    assert services.competition_ranks([Decimal(95), Decimal(90), Decimal(90), Decimal(80)]) == [1, 2, 2, 4]
    assert services.competition_ranks([Decimal(90), Decimal(90), Decimal(90)]) == [1, 1, 1]


def test_res4_awards_follow_the_counts_and_ties_share_an_award():
    counts = [("first", 1), ("second", 2), ("third", 1), ("excellence", 1)]
    assert services.awards_for([1, 2, 3, 4, 5, 6], counts) == [
        "first",
        "second",
        "second",
        "third",
        "excellence",
        "",
    ]
    assert services.awards_for([1, 1, 3, 4], counts) == ["first", "first", "second", "third"]


def test_res4_totals_are_the_mean_of_weighted_judge_scores(
    tree, cup, entries, researcher, city_leader, vice_chair
):
    services.set_criteria(researcher, cup, [("选题", 60), ("分析", 40)])
    services.add_judge(researcher, cup, city_leader)
    services.add_judge(researcher, cup, vice_chair)
    first, second = cup.criteria.all()
    services.score(city_leader, entries[tree.b], {first.pk: 90, second.pk: 80})  # 86
    services.score(vice_chair, entries[tree.b], {first.pk: 70, second.pk: 100})  # 82
    row = next(r for r in services.ranking(cup) if r.entry == entries[tree.b])
    assert row.total == Decimal("84.00") and row.sheets == 2


def test_res4_publish_ranks_with_ties_and_awards(tree, cup, entries, researcher, city_leader, vice_chair):
    services.add_judge(researcher, cup, city_leader)
    with pytest.raises(ValidationError):
        services.publish(researcher, cup)  # no scores yet
    services.add_judge(researcher, cup, vice_chair)
    with pytest.raises(ValidationError) as caught:
        services.publish(researcher, cup)
    assert "评分表未提交" in caught.value.messages[0] or "评委均须回避" in caught.value.messages[0]
    services.remove_judge(researcher, cup.judges.get(user=vice_chair))
    services.add_judge(researcher, cup, researcher)  # the research office scores its own? no: it abstains
    _score(city_leader, entries[tree.a], 88)
    _score(city_leader, entries[tree.b], 88)
    _score(researcher, entries[tree.a], 88)
    _score(researcher, entries[tree.b], 88)
    with pytest.raises(ValidationError):
        services.publish(researcher, cup)  # the department's entry: the city judges and the office abstain
    services.add_judge(researcher, cup, make_judge(tree))
    _score(cup.judges.last().user, entries[tree.research], 95)
    _score(cup.judges.last().user, entries[tree.a], 88)
    _score(cup.judges.last().user, entries[tree.b], 88)
    rows = services.publish(researcher, cup)
    result = {r.entry.report.org: (r.rank, r.award) for r in rows}
    assert result == {tree.research: (1, "first"), tree.a: (2, "second"), tree.b: (2, "second")}
    cup.refresh_from_db()
    assert cup.is_closed
    with pytest.raises(ValidationError):
        _score(city_leader, entries[tree.a], 50)  # published: scoring is over


def make_judge(tree):
    judge = make_user(tree.other, "leader", username="outside_expert", name="外请专家")
    ScopeGrant.objects.create(user=judge, org=tree.city)
    return judge


def test_res4_results_export_through_the_ledger(tree, cup, entries, researcher, login_as, city_leader):
    services.add_judge(researcher, cup, city_leader)
    expert = make_judge(tree)
    services.add_judge(researcher, cup, expert)
    _score(city_leader, entries[tree.a], 90)
    _score(city_leader, entries[tree.b], 80)
    for entry in entries.values():
        _score(expert, entry, 85)
    services.publish(researcher, cup)
    response = login_as(researcher).get(reverse("ledger-export-research_results"), {"competition": cup.pk})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "研究室 求实杯评选结果台账"  # the printed ledger's title, then its particulars
    assert rows[2][:7] == ("评选", "名次", "参评编号", "报告标题", "单位", "总分", "奖项")
    by_title = {r[3]: r for r in rows[3:]}
    assert by_title["道里区失地妇女就业调研"][1] == 1 and by_title["道里区失地妇女就业调研"][6] == "一等奖"
    assert by_title["研究室课题报告"][5] == 85.0


def test_res4_before_publishing_only_the_organiser_exports_results(
    tree, cup, entries, researcher, login_as, city_leader, daoli
):
    response = login_as(daoli).get(reverse("ledger-export-research_results"), {"competition": cup.pk})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[2][0] == "评选"  # title, particulars and the header only


def test_res4_units_see_their_own_published_award(
    tree, cup, entries, researcher, login_as, daoli, city_leader
):
    expert = make_judge(tree)
    services.add_judge(researcher, cup, expert)
    for entry in entries.values():
        _score(expert, entry, 85)
    services.publish(researcher, cup)
    body = (
        login_as(daoli)
        .get(reverse("research:report-detail", args=[entries[tree.a].report.pk]))
        .content.decode()
    )
    assert "一等奖" in body and Competition.objects.visible_to(daoli).count() == 0


def test_res4_organiser_page_manages_criteria_judges_and_entries(
    tree, cup, researcher, login_as, new_report, daoli, city_leader
):
    report = new_report(daoli, tree.a, status="submitted")
    client = login_as(researcher)
    page = client.get(reverse("research:cup-detail", args=[cup.pk])).content.decode()
    assert "评分项与权重" in page and city_leader.name in page
    client.post(reverse("research:cup-judges", args=[cup.pk]), {"user": city_leader.pk})
    client.post(reverse("research:cup-entries", args=[cup.pk]), {"report": [report.pk]})
    client.post(
        reverse("research:cup-criteria", args=[cup.pk]),
        {"name": ["选题", "分析", ""], "weight": ["70", "30", ""]},
    )
    assert list(cup.judges.values_list("user", flat=True)) == [city_leader.pk]
    assert list(cup.entries.values_list("report", flat=True)) == [report.pk]
    assert [(c.name, c.weight) for c in cup.criteria.all()] == [("选题", 70), ("分析", 30)]


def test_res4_scoring_through_the_blind_page(tree, cup, entries, researcher, login_as, city_leader):
    services.add_judge(researcher, cup, city_leader)
    criteria = list(cup.criteria.all())
    client = login_as(city_leader)
    url = reverse("research:entry-score", args=[entries[tree.b].pk])
    bad = client.post(url, {f"c{c.pk}": "120" for c in criteria})
    assert bad.status_code == 200 and "0 至 100" in bad.content.decode()
    good = client.post(url, {**{f"c{c.pk}": "80" for c in criteria}, "comment": "数据翔实"})
    assert good.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert sheet.comment == "数据翔实" and services.sheet_total(sheet) == Decimal("80.00")
