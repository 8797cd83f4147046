"""Issue 11 point 1 for the deadlines' completeness table (报送情况) and the implementation plans: one
filter each (``campaigns/filters.py``) shared by the page, the ledger export and the API list — the same
rows for the same filters; a deadline or a unit outside the caller's scope is refused (the campaigns'
pages answer 404 for a unit, as they always did); a bad value is refused with a Chinese message naming
the field."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fuqing.campaigns import plans
from fuqing.campaigns.services import create_campaign
from fuqing.campaigns.submissions import submit_document
from tests.campaigns.conftest import at, docx, obligation
from tests.conftest import login, make_user
from tests.shared_filters import (
    api_refusal,
    api_rows,
    export_column,
    ledger_rows,
    page_problems,
    page_rows,
)

REFUSED = "不存在或不在您的数据范围内"
FIELDS = {"goals": "目标", "responsibilities": "责任", "measures": ""}


def _pk(o) -> str:
    return str(o.pk)


@pytest.fixture
def late(tree, survey, annual):
    """道里 and 南岗 sent the survey summary late, 道里 its annual summary too."""
    for org in (tree.a, tree.b):
        submit_document(None, obligation(survey, org), docx(), at=at("2014-05-12"))
    submit_document(None, obligation(annual, tree.a), docx(), at=at("2014-12-30"))
    return {org: obligation(survey, org) for org in (tree.a, tree.b)}


@pytest.fixture
def foreign_deadline(tree):
    campaign = create_campaign(
        None,
        org=tree.other,
        year=2014,
        starts_on=datetime.date(2014, 4, 1),
        ends_on=datetime.date(2014, 8, 31),
    )
    return campaign.deadlines.get(code="survey-summary")


def test_deadlines_table_page_ledger_and_api_give_the_same_rows(client, tree, researcher, survey, late):
    params = {
        "year": 2014,
        "deadline": survey.pk,
        "status": "late",
        "kind": "district",
        "under": tree.city.pk,
    }
    expected = {_pk(late[tree.a]), _pk(late[tree.b])}
    assert api_rows(client, researcher, "/obligations/", params) == expected
    assert ledger_rows("submissions", researcher, params, _pk) == expected
    assert page_rows(client, researcher, reverse("campaigns:status"), params, _pk) == expected
    assert sorted(export_column(client, researcher, "submissions", params, "报送单位")) == [
        "南岗区妇联",
        "道里区妇联",
    ]
    narrowed = {**params, "q": "道里"}
    assert api_rows(client, researcher, "/obligations/", narrowed) == {_pk(late[tree.a])}
    assert page_rows(client, researcher, reverse("campaigns:status"), narrowed, _pk) == {_pk(late[tree.a])}
    assert export_column(client, researcher, "submissions", narrowed, "报送单位") == ["道里区妇联"]


def test_deadlines_table_a_foreign_unit_or_deadline_leaks_nothing(
    client, tree, daoli, survey, late, foreign_deadline
):
    # a unit: 404 on the page and in the API (never her own rows shown as the sibling's), nothing exported
    login(client, daoli)
    assert client.get(reverse("campaigns:status"), {"under": tree.b.pk}).status_code == 404
    assert api_refusal(client, daoli, "/obligations/", {"under": tree.b.pk}).status_code == 404
    assert ledger_rows("submissions", daoli, {"under": tree.b.pk}, _pk) == set()
    assert export_column(client, daoli, "submissions", {"under": tree.b.pk}, "报送单位") == []
    # a deadline of a campaign she does not see: refused, an empty table, its name never shown
    params = {"deadline": foreign_deadline.pk}
    problems, body = page_problems(client, daoli, reverse("campaigns:status"), params)
    assert len(problems) == 1 and problems[0].startswith("报送事项：") and REFUSED in problems[0]
    assert client.get(reverse("campaigns:status"), params).context["page"].paginator.count == 0
    assert "齐齐哈尔" not in body
    assert ledger_rows("submissions", daoli, params, _pk) == set()
    assert export_column(client, daoli, "submissions", params, "报送单位") == []
    refused = api_refusal(client, daoli, "/obligations/", params)
    assert refused.status_code == 404 and REFUSED in refused.json()["detail"]
    assert "齐齐哈尔" not in refused.content.decode()


def test_deadlines_table_bad_values_are_named_in_chinese(client, daoli, late):
    problems, _body = page_problems(client, daoli, reverse("campaigns:status"), {"status": "lost"})
    assert problems and problems[0].startswith("报送情况：")
    refused = api_refusal(client, daoli, "/obligations/", {"status": "lost"})
    assert refused.status_code == 422 and "status" in refused.json()["errors"]
    assert "选择" in refused.json()["detail"]


@pytest.fixture
def unit_plans(tree, campaign, daoli, nangang):
    township = make_user(tree.a1, "leader", username="a1_leader")
    community = make_user(tree.a1a, "leader", username="a1a_leader")
    made = {
        "district": plans.create_plan(
            daoli, campaign=campaign, org=tree.a, leaders=[daoli], title="甲方案", **FIELDS
        ),
        "township": plans.create_plan(
            daoli, campaign=campaign, org=tree.a1, leaders=[township], title="乙方案", **FIELDS
        ),
        "community": plans.create_plan(
            daoli, campaign=campaign, org=tree.a1a, leaders=[community], title="丙方案", **FIELDS
        ),
        "sibling": plans.create_plan(
            nangang, campaign=campaign, org=tree.b, leaders=[nangang], title="丁方案", **FIELDS
        ),
    }
    plans.submit_plan(daoli, made["township"])
    return made


def test_plans_page_ledger_and_api_give_the_same_rows(client, tree, daoli, unit_plans):
    params = {"year": 2014, "org": tree.a.pk, "status": "draft"}
    expected = {_pk(unit_plans["district"]), _pk(unit_plans["community"])}
    assert api_rows(client, daoli, "/plans/", params) == expected
    assert ledger_rows("plans", daoli, params, _pk) == expected
    assert page_rows(client, daoli, reverse("campaigns:plans"), params, _pk) == expected
    assert sorted(export_column(client, daoli, "plans", params, "标题")) == ["丙方案", "甲方案"]
    submitted = {"year": 2014, "org": tree.a1.pk, "status": "submitted"}
    assert api_rows(client, daoli, "/plans/", submitted) == {_pk(unit_plans["township"])}
    assert page_rows(client, daoli, reverse("campaigns:plans"), submitted, _pk) == {
        _pk(unit_plans["township"])
    }


def test_plans_a_foreign_unit_leaks_nothing(client, tree, daoli, unit_plans):
    params = {"org": tree.b.pk}
    login(client, daoli)
    assert client.get(reverse("campaigns:plans"), params).status_code == 404
    assert api_refusal(client, daoli, "/plans/", params).status_code == 404
    assert ledger_rows("plans", daoli, params, _pk) == set()
    assert export_column(client, daoli, "plans", params, "标题") == []


def test_plans_bad_values_are_named_in_chinese(client, daoli, unit_plans):
    problems, _body = page_problems(client, daoli, reverse("campaigns:plans"), {"status": "lost"})
    assert problems and problems[0].startswith("状态：")
    refused = api_refusal(client, daoli, "/plans/", {"status": "lost"})
    assert refused.status_code == 422 and "status" in refused.json()["errors"]
