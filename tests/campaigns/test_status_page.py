"""CAM-2: the completeness / timeliness table down the tree — on time, late (days late), missing —
with filters and the xlsx ledger; each unit sees what it owes."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from fuqing.campaigns.services import save_deadline, sync_obligations
from fuqing.campaigns.submissions import submit_document
from fuqing.orgs.models import OrgKind
from fuqing.orgs.services import add_org
from tests.campaigns.conftest import at, docx, obligation
from tests.ledger_sheets import table

pytestmark = pytest.mark.usefixtures("campaign")


@pytest.fixture
def submitted(tree, survey, annual, sysadmin):
    """Survey summary owed also by the townships: 研究室 on time, 道里 late by 3 days, 南岗 missing;
    新阳路街道 on time, 花园街道 missing. Annual summary not yet due in May."""
    save_deadline(sysadmin, survey, owed_by_kinds=[OrgKind.DISTRICT, OrgKind.DEPARTMENT, OrgKind.TOWNSHIP])
    submit_document(None, obligation(survey, tree.research), docx(), at=at("2014-05-09"))
    submit_document(None, obligation(survey, tree.a), docx(), at=at("2014-05-13"))
    submit_document(None, obligation(survey, tree.a1), docx(), at=at("2014-05-10"))
    return survey


def page_text(response) -> str:
    return response.content.decode()


@freeze_time("2014-05-20")
def test_cam2_research_office_sees_every_unit_down_the_tree(tree, submitted, researcher, login_as):
    client = login_as(researcher)
    response = client.get("/campaigns/status/", {"deadline": submitted.pk})
    text = page_text(response)
    branches = {b.org.name: b.counts for b in response.context["branches"]}
    assert set(branches) == {"研究室", "道里区妇联", "南岗区妇联"}  # the city owes no survey summary
    daoli = branches["道里区妇联"]  # 道里 itself late, 新阳路街道 on time
    assert (daoli.owed, daoli.on_time, daoli.late, daoli.missing) == (2, 1, 1, 0)
    nangang = branches["南岗区妇联"]  # 南岗 and 花园街道 both missing
    assert (nangang.owed, nangang.missing) == (2, 2)
    assert branches["研究室"].on_time == 1
    assert "逾期 3 天" in text and "未报送" in text and "按时报送" in text


@freeze_time("2014-05-20")
def test_cam2_drilling_down_into_a_district(tree, submitted, researcher, login_as):
    client = login_as(researcher)
    response = client.get("/campaigns/status/", {"deadline": submitted.pk, "under": tree.a.pk})
    branches = {b.org.name: (b.is_self, b.counts.owed) for b in response.context["branches"]}
    assert branches == {"道里区妇联": (True, 1), "新阳路街道": (False, 1)}
    names = {r["o"].org.name for r in response.context["rows"]}
    assert names == {"道里区妇联", "新阳路街道"}


@freeze_time("2014-05-20")
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("on_time", {"研究室", "新阳路街道"}),
        ("late", {"道里区妇联"}),
        ("missing", {"南岗区妇联", "花园街道"}),
    ],
)
def test_cam2_filter_by_status(tree, submitted, researcher, login_as, status, expected):
    response = login_as(researcher).get("/campaigns/status/", {"deadline": submitted.pk, "status": status})
    assert {r["o"].org.name for r in response.context["rows"]} == expected


@freeze_time("2014-05-20")
def test_cam2_annual_summary_not_yet_due_is_pending_not_missing(
    tree, submitted, annual, researcher, login_as
):
    response = login_as(researcher).get("/campaigns/status/", {"deadline": annual.pk})
    statuses = {r["status"] for r in response.context["rows"]}
    assert statuses == {"pending"}
    counts = response.context["counts"][annual.pk]
    assert (counts.pending, counts.missing) == (3, 0)


@freeze_time("2014-05-20")
def test_cam2_filter_by_unit_kind_and_name(tree, submitted, researcher, login_as):
    client = login_as(researcher)
    rows = client.get("/campaigns/status/", {"deadline": submitted.pk, "kind": "township"}).context["rows"]
    assert {r["o"].org.name for r in rows} == {"新阳路街道", "花园街道"}
    rows = client.get("/campaigns/status/", {"q": "南岗"}).context["rows"]
    assert {r["o"].org.name for r in rows} == {"南岗区妇联"}


@freeze_time("2014-05-20")
def test_cam2_district_sees_its_own_subtree_only(tree, submitted, daoli, login_as):
    response = login_as(daoli).get("/campaigns/status/")
    names = {r["o"].org.name for r in response.context["rows"]}
    assert names == {"道里区妇联", "新阳路街道"}
    assert response.context["under"] == tree.a
    assert "南岗区妇联" not in page_text(response).split("<main", 1)[1]


@freeze_time("2014-05-20")
def test_cam2_each_unit_sees_what_it_owes_and_its_status(tree, submitted, daoli, login_as):
    response = login_as(daoli).get("/campaigns/status/")
    mine = {r["o"].deadline.code: r["status"] for r in response.context["mine"]}
    assert mine == {"survey-summary": "late", "annual-summary": "pending"}


@freeze_time("2014-05-20")
def test_cam2_sibling_cannot_drill_into_another_district(tree, submitted, nangang, login_as):
    assert login_as(nangang).get("/campaigns/status/", {"under": tree.a.pk}).status_code == 404


@freeze_time("2014-05-20")
def test_cam2_status_page_queries_are_bounded(
    tree, submitted, researcher, login_as, django_assert_max_num_queries
):
    client = login_as(researcher)
    for index in range(30):
        add_org(None, parent=tree.b1, name=f"社区{index}", kind=OrgKind.COMMUNITY)
    submitted.owed_by_kinds = [*submitted.owed_by_kinds, OrgKind.COMMUNITY]
    submitted.save()
    sync_obligations(submitted)
    client.get("/campaigns/status/")  # warm the session
    with django_assert_max_num_queries(25):
        response = client.get("/campaigns/status/", {"deadline": submitted.pk})
    assert response.context["page"].paginator.count == 5 + 31


@freeze_time("2014-05-20")
def test_rpt2_cam2_timeliness_table_exports_through_the_ledger(tree, submitted, researcher, login_as):
    client = login_as(researcher)
    response = client.get("/ledgers/submissions/export/", {"deadline": submitted.pk, "year": 2014})
    assert response.status_code == 200
    rows = [tuple(r) for r in table(response)]
    header = rows[0]
    assert header[:4] == ("年度", "报送事项", "截止日期", "报送单位")
    by_org = {r[3]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_org) == {"研究室", "道里区妇联", "新阳路街道", "南岗区妇联", "花园街道"}
    assert by_org["道里区妇联"]["报送状态"] == "逾期报送" and by_org["道里区妇联"]["逾期天数"] == 3
    assert by_org["南岗区妇联"]["报送状态"] == "未报送" and by_org["南岗区妇联"]["首次报送时间"] is None


@freeze_time("2014-05-20")
def test_rpt2_the_export_keeps_the_pages_filters_and_scope(tree, submitted, daoli, login_as):
    client = login_as(daoli)
    response = client.get("/ledgers/submissions/export/", {"status": "late", "year": 2014})
    rows = [tuple(r) for r in table(response)][1:]
    assert [(r[1], r[3]) for r in rows] == [("调研月活动总结", "道里区妇联")]
