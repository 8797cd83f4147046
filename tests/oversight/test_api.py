"""Issue 13 point 7: the oversight API lists and writes under the same services and scope as the pages —
sibling districts are 404, bad input is 422 with Chinese messages naming the field, lists pin their
queries."""

from __future__ import annotations

import json

import pytest

from fuqing.oversight.models import GoodCase
from tests.oversight.conftest import need
from tests.research.conftest import token_for


@pytest.fixture
def api(client):
    def call(user, method, path, data=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
        if method == "get":
            return client.get(f"/api/v1{path}", data or {}, **headers)
        return client.generic(
            method.upper(),
            f"/api/v1{path}",
            json.dumps(data or {}),
            content_type="application/json",
            **headers,
        )

    return call


def test_sup1_api_lists_schemes_and_ranks_with_the_callers_own_sheet(scheme, tree, api, daoli, city_leader):
    listed = api(daoli, "get", "/oversight/schemes/", {"year": 2014}).json()
    assert listed["count"] == 1 and len(listed["items"][0]["items"]) == 4
    ranking = api(daoli, "get", "/oversight/ranking/", {"year": 2014}).json()
    assert ranking["of"] == 2 and ranking["own"]["unit"] == tree.a.pk
    assert [s["unit"] for s in ranking["items"]] == [tree.a.pk]  # not the sibling's sheet
    everyone = api(city_leader, "get", "/oversight/ranking/", {"year": 2014}).json()
    assert {s["unit"] for s in everyone["items"]} == {tree.a.pk, tree.b.pk}
    assert api(daoli, "get", "/oversight/ranking/", {"year": 2014, "level": "x"}).status_code == 422


def test_sup1_api_items_are_refused_with_chinese_messages(scheme, api, city_leader):
    response = api(
        city_leader,
        "post",
        f"/oversight/schemes/{scheme.pk}/items/",
        {"name": "额外", "kind": "inspected", "weight": "5"},
    )
    assert response.status_code == 422
    assert "各指标分值合计不能超过100分" in response.json()["errors"]["weight"][0]
    assert scheme.items.count() == 4


def test_sup1_api_copy_and_publish(scheme, api, city_leader, daoli):
    assert api(daoli, "post", f"/oversight/schemes/{scheme.pk}/publish/").status_code == 403
    copied = api(city_leader, "post", f"/oversight/schemes/{scheme.pk}/copy/", {"year": 2015})
    assert copied.status_code == 201 and copied.json()["year"] == 2015
    published = api(city_leader, "post", f"/oversight/schemes/{scheme.pk}/publish/")
    assert published.status_code == 200 and published.json()["sheets"] == 4


def test_sup1_api_inspector_scores_only_her_units(scheme, inspected, assigned, api, tree):
    ok = api(
        assigned,
        "put",
        f"/oversight/items/{inspected.pk}/score/",
        {"unit": tree.a.pk, "points": "12", "comment": "好"},
    )
    assert ok.status_code == 200 and ok.json()["points"] == "12.0"
    assert (
        api(
            assigned,
            "put",
            f"/oversight/items/{inspected.pk}/score/",
            {"unit": tree.b.pk, "points": "1", "comment": "x"},
        ).status_code
        == 403
    )
    bad = api(
        assigned,
        "put",
        f"/oversight/items/{inspected.pk}/score/",
        {"unit": tree.a.pk, "points": "99", "comment": "x"},
    )
    assert bad.status_code == 422 and "得分：须是0到20.0之间的数" in bad.json()["errors"]["points"][0]


def test_sup2_api_cases_publicity_and_the_sibling_404(
    tree, api, daoli, nangang, city_leader, django_assert_max_num_queries
):
    source = need(tree.a1a, status="resolved")
    body = {
        "org": tree.a.pk,
        "year": 2014,
        "title": "案例",
        "story": "走访中发现失地妇女再就业难，区妇联协调开办家政培训班。",
        "source_kind": "need",
        "source_id": str(source.pk),
        "evidence_note": "记录",
    }
    created = api(daoli, "post", "/oversight/cases/", body)
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    assert (
        api(nangang, "post", f"/oversight/cases/{case_id}/transition/", {"decision": "submit"}).status_code
        == 404
    )
    assert (
        api(daoli, "post", f"/oversight/cases/{case_id}/transition/", {"decision": "submit"}).json()["status"]
        == "submitted"
    )
    assert (
        api(city_leader, "post", f"/oversight/cases/{case_id}/transition/", {"decision": "promote"}).json()[
            "status"
        ]
        == "promoted"
    )
    bad = api(daoli, "post", "/oversight/cases/", body | {"title": ""})
    assert bad.status_code == 422 and "案例标题：请填写" in bad.json()["errors"]["title"][0]
    assert GoodCase.objects.count() == 1
    item = {
        "org": tree.a.pk,
        "media": "新晚报",
        "published_on": "2014-05-01",
        "title": "报道",
        "case": case_id,
    }
    assert api(daoli, "post", "/oversight/publicity/", item).status_code == 201
    assert (
        api(nangang, "post", "/oversight/publicity/", item | {"org": tree.b.pk}).status_code == 422
    )  # the case is not hers
    with django_assert_max_num_queries(12):
        listed = api(daoli, "get", "/oversight/publicity/", {"year": 2014}).json()
    assert listed["count"] == 1
    assert api(nangang, "get", "/oversight/cases/", {"year": 2014}).json()["count"] == 0


def test_sup4_api_cadres_and_recommendations(tree, api, daoli, city_leader):
    cadres = api(city_leader, "get", "/oversight/cadres/", {"year": 2014}).json()
    row = next(c for c in cadres["items"] if c["id"] == daoli.pk)
    assert row["flags"] == ["no_contact_point", "no_pair"]
    bad = api(
        city_leader, "post", "/oversight/recommendations/", {"person": daoli.pk, "year": 2014, "reason": ""}
    )
    assert bad.status_code == 422 and "理由" in bad.json()["errors"]["reason"][0]
    ok = api(
        city_leader,
        "post",
        "/oversight/recommendations/",
        {"person": daoli.pk, "year": 2014, "reason": "实绩突出"},
    )
    assert ok.status_code == 201
    assert api(daoli, "get", "/oversight/recommendations/", {"year": 2014}).json()["count"] == 1
