"""Issue 11 point 1 for pairings, actions and suggestions: one filter each (``assistance/filters.py``)
shared by the list page, the ledger export and the API list — the same rows for the same filters; a
unit or a woman outside the caller's scope is refused (never a wider list, never a foreign name); a bad
value is refused with a Chinese message naming the field."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fuqing.assistance import pairings as pairing_services
from fuqing.assistance import suggestions as suggestion_services
from tests.shared_filters import (
    api_refusal,
    api_rows,
    export_column,
    ledger_rows,
    page_problems,
    page_rows,
)

DAY = datetime.date(2014, 4, 20)
REFUSED = "不存在或不在您的数据范围内"


def _pk(o) -> str:
    return str(o.pk)


@pytest.fixture
def pairs(tree, daoli, nangang, colleague, woman):
    add = pairing_services.create_pairing
    kw = {"kind": "one_to_one", "starts_on": DAY, "helper_users": [colleague]}
    made = {
        "community": add(daoli, org=tree.a1a, woman=woman, notes="甲", **kw),
        "township": add(daoli, org=tree.a1, household="李家", notes="乙", **kw),
        "district": add(daoli, org=tree.a, household="王家", notes="丙", **kw),
        "old": add(
            daoli, org=tree.a1, household="陈家", notes="戊", **{**kw, "starts_on": DAY.replace(2012)}
        ),
    }
    pairing_services.update_pairing(daoli, made["old"], ends_on=datetime.date(2012, 12, 1))
    made["sibling"] = add(
        nangang, org=tree.b1, household="赵家", notes="丁", **{**kw, "helper_users": [nangang]}
    )
    return made


def test_pairings_page_ledger_and_api_give_the_same_rows(client, tree, daoli, pairs):
    params = {"year": 2014, "org": tree.a1.pk, "status": "active"}
    expected = {_pk(pairs["community"]), _pk(pairs["township"])}
    assert api_rows(client, daoli, "/pairings/", params) == expected
    assert ledger_rows("pairings", daoli, params, _pk) == expected
    assert page_rows(client, daoli, reverse("assistance:pairing-list"), params, _pk) == expected
    assert sorted(export_column(client, daoli, "pairings", params, "备注")) == ["乙", "甲"]
    # a year: the pairs in force in it, on all three (the 2012 pair ended that year)
    assert _pk(pairs["old"]) in api_rows(client, daoli, "/pairings/", {"year": 2012})
    assert page_rows(client, daoli, reverse("assistance:pairing-list"), {"year": 2012}, _pk) == {
        _pk(pairs["old"])
    }


def test_pairings_a_foreign_unit_or_woman_leaks_nothing(client, tree, daoli, pairs, outsider_woman):
    for params in ({"org": tree.b.pk}, {"org": tree.city.pk}, {"woman": str(outsider_woman.pk)}):
        problems, body = page_problems(client, daoli, reverse("assistance:pairing-list"), params)
        assert any(REFUSED in p for p in problems), problems
        assert client.get(reverse("assistance:pairing-list"), params).context["page"].paginator.count == 0
        # (the city's name is in her own lineage in the top bar; nothing of the sibling district)
        assert "南岗区妇联" not in body and "赵家" not in body and "王桂兰" not in body
        assert ledger_rows("pairings", daoli, params, _pk) == set()
        assert export_column(client, daoli, "pairings", params, "备注") == []
        refused = api_refusal(client, daoli, "/pairings/", params)
        assert refused.status_code in (404, 422) and "南岗" not in refused.content.decode()


def test_pairings_bad_values_are_named_in_chinese(client, daoli, pairs):
    problems, _body = page_problems(client, daoli, reverse("assistance:pairing-list"), {"status": "x"})
    assert problems and problems[0].startswith("状态：")
    refused = api_refusal(client, daoli, "/pairings/", {"status": "x"})
    assert refused.status_code == 422 and "status" in refused.json()["errors"]
    assert "状态" in refused.json()["detail"] or "选择" in refused.json()["detail"]
    problems, _body = page_problems(client, daoli, reverse("assistance:pairing-list"), {"year": "1900"})
    assert problems and problems[0].startswith("年度：")
    assert api_refusal(client, daoli, "/pairings/", {"year": "1900"}).status_code == 422


@pytest.fixture
def actions(tree, daoli, nangang, woman, make_need, campaign_2014):
    record = pairing_services.record_action
    given = datetime.date(2014, 5, 6)
    township_need = make_need(daoli, tree.a1)
    sibling_need = make_need(nangang, tree.b1)
    return {
        "community": record(
            daoli, woman=woman, org=woman.org, service="policy", given_on=given, given_by=daoli, notes="甲"
        ),
        "township": record(
            daoli, need=township_need, service="policy", given_on=given, given_by=daoli, notes="乙"
        ),
        "information": record(
            daoli, need=township_need, service="information", given_on=given, given_by=daoli, notes="丙"
        ),
        "sibling": record(
            nangang, need=sibling_need, service="policy", given_on=given, given_by=nangang, notes="丁"
        ),
    }


def test_actions_page_ledger_and_api_give_the_same_rows(client, tree, daoli, actions):
    params = {"year": 2014, "org": tree.a1.pk, "service": "policy"}
    expected = {_pk(actions["community"]), _pk(actions["township"])}
    assert api_rows(client, daoli, "/actions/", params) == expected
    assert ledger_rows("actions", daoli, params, _pk) == expected
    assert page_rows(client, daoli, reverse("assistance:action-list"), params, _pk) == expected
    assert sorted(export_column(client, daoli, "actions", params, "备注")) == ["乙", "甲"]
    one_need = {"need": str(actions["township"].need_id)}
    expected = {_pk(actions["township"]), _pk(actions["information"])}
    assert api_rows(client, daoli, "/actions/", one_need) == expected
    assert page_rows(client, daoli, reverse("assistance:action-list"), one_need, _pk) == expected


def test_actions_a_foreign_unit_or_need_leaks_nothing(client, tree, daoli, actions):
    for params in ({"org": tree.b.pk}, {"need": str(actions["sibling"].need_id)}):
        problems, body = page_problems(client, daoli, reverse("assistance:action-list"), params)
        assert any(REFUSED in p for p in problems), problems
        assert client.get(reverse("assistance:action-list"), params).context["page"].paginator.count == 0
        assert "南岗区妇联" not in body and "花园街道" not in body
        assert ledger_rows("actions", daoli, params, _pk) == set()
        assert export_column(client, daoli, "actions", params, "备注") == []
        refused = api_refusal(client, daoli, "/actions/", params)
        assert refused.status_code == 404 and REFUSED in refused.json()["detail"]


def test_actions_bad_values_are_named_in_chinese(client, daoli, actions):
    problems, _body = page_problems(client, daoli, reverse("assistance:action-list"), {"service": "gold"})
    assert problems and problems[0].startswith("服务类型：")
    refused = api_refusal(client, daoli, "/actions/", {"service": "gold"})
    assert refused.status_code == 422 and "service" in refused.json()["errors"]


@pytest.fixture
def proposals(tree, daoli, nangang):
    add = suggestion_services.create_suggestion
    kw = {"channel": "info_report", "recipient": "government"}
    return {
        "township": add(daoli, org=tree.a1, year=2014, title="甲建议", **kw),
        "community": add(daoli, org=tree.a1a, year=2014, title="乙建议", **kw),
        "district": add(daoli, org=tree.a, year=2014, title="丙建议", **kw),
        "last_year": add(daoli, org=tree.a1, year=2013, title="丁建议", **kw),
        "sibling": add(nangang, org=tree.b, year=2014, title="戊建议", **kw),
    }


def test_suggestions_page_ledger_and_api_give_the_same_rows(client, tree, daoli, proposals):
    params = {"year": 2014, "org": tree.a1.pk, "stage": 0}
    expected = {_pk(proposals["township"]), _pk(proposals["community"])}
    assert api_rows(client, daoli, "/suggestions/", params) == expected
    assert ledger_rows("suggestions", daoli, params, _pk) == expected
    assert page_rows(client, daoli, reverse("assistance:suggestion-list"), params, _pk) == expected
    assert sorted(export_column(client, daoli, "suggestions", params, "标题")) == ["乙建议", "甲建议"]
    assert api_rows(client, daoli, "/suggestions/", {**params, "stage": 10}) == set()


def test_suggestions_a_foreign_unit_leaks_nothing(client, tree, daoli, proposals):
    params = {"org": tree.b.pk}
    problems, body = page_problems(client, daoli, reverse("assistance:suggestion-list"), params)
    assert len(problems) == 1 and problems[0].startswith("单位及其下级：") and REFUSED in problems[0]
    assert "南岗区妇联" not in body and "戊建议" not in body
    assert ledger_rows("suggestions", daoli, params, _pk) == set()
    assert export_column(client, daoli, "suggestions", params, "标题") == []
    refused = api_refusal(client, daoli, "/suggestions/", params)
    assert refused.status_code == 404 and "org" in refused.json()["errors"]


def test_suggestions_bad_values_are_named_in_chinese(client, daoli, proposals):
    problems, _body = page_problems(client, daoli, reverse("assistance:suggestion-list"), {"stage": "99"})
    assert problems and problems[0].startswith("进展：")
    refused = api_refusal(client, daoli, "/suggestions/", {"stage": "99"})
    assert refused.status_code == 422 and "stage" in refused.json()["errors"]
    assert "选择" in refused.json()["detail"]
