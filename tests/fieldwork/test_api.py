"""The fieldwork API (PLT-3): contact points, visits, questionnaires and responses under the same scope,
permissions and services as the pages; idempotent creates for offline clients (PLT-6)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from fuqing.api.auth import TOKEN_PREFIX, digest
from fuqing.fieldwork import questionnaires as qservice
from fuqing.fieldwork.models import ContactPoint, Questionnaire, Response, Visit, VisitDay
from fuqing.orgs.models import ApiToken
from tests.fieldwork.conftest import record


def token_for(user) -> str:
    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return raw


@pytest.fixture
def api(client):
    class Api:
        def __init__(self):
            self.headers = {}

        def as_(self, user):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
            return self

        def get(self, path, **params):
            return client.get(f"/api/v1{path}", params, **self.headers)

        def post(self, path, data):
            return client.post(f"/api/v1{path}", data, content_type="application/json", **self.headers)

        def put(self, path, data):
            return client.put(f"/api/v1{path}", data, content_type="application/json", **self.headers)

    return Api()


def test_plt3_visits_are_created_read_listed_and_updated(tree, daoli, colleague, api):
    visit_id = str(uuid.uuid4())
    payload = {
        "id": visit_id,
        "started_on": "2014-04-15",
        "method": "forum",
        "place": tree.a1a.pk,
        "members": [colleague.pk],
        "women_met": 10,
        "group_counts": {"left-behind": 4},
        "needs": [{"category": "就业", "text": "家政培训"}],
    }
    created = api.as_(daoli).post("/visits/", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["id"] == visit_id and body["org"] == tree.a.pk and body["lead"] == daoli.pk
    assert {m["id"] for m in body["members"]} == {daoli.pk, colleague.pk}
    assert body["group_counts"] == [{"group": "left-behind", "name": "留守妇女", "count": 4}]
    assert body["needs"] == [{"category": "就业", "text": "家政培训"}] and body["led_by_leader"] is True
    replay = api.post("/visits/", payload)
    assert replay.status_code == 200 and Visit.objects.count() == 1  # PLT-6: a replay does not duplicate
    assert api.get(f"/visits/{visit_id}/").json()["women_met"] == 10
    listing = api.get("/visits/", year=2014, method="forum").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == visit_id
    updated = api.put(f"/visits/{visit_id}/", {"ended_on": "2014-04-16", "women_met": 11})
    assert updated.status_code == 200 and updated.json()["days"] == 2 and updated.json()["women_met"] == 11
    assert updated.json()["group_counts"][0]["count"] == 4  # fields left out keep their value
    assert VisitDay.objects.filter(visit_id=visit_id).count() == 4


def test_fld3_the_api_refuses_a_short_stationed_stay_in_chinese(tree, daoli, api):
    response = api.as_(daoli).post(
        "/visits/",
        {"started_on": "2014-04-15", "ended_on": "2014-04-18", "method": "stationed", "place": tree.a1a.pk},
    )
    assert response.status_code == 422
    assert "蹲点调研时间不少于一周" in response.json()["errors"]["ended_on"][0]
    assert not Visit.objects.exists()


def test_org3_the_api_hides_other_districts(tree, daoli, nangang, community_b, api):
    visit = record(nangang, start=datetime.date(2014, 4, 15), place=community_b)
    api.as_(daoli)
    assert api.get(f"/visits/{visit.pk}/").status_code == 404
    assert api.put(f"/visits/{visit.pk}/", {"women_met": 1}).status_code == 404
    assert api.get("/visits/").json()["count"] == 0
    # A foreign place in the body is 404 like a foreign id in the path (the API kit's one answer).
    foreign = api.post("/visits/", {"started_on": "2014-04-15", "method": "forum", "place": community_b.pk})
    assert foreign.status_code == 404 and "place" in foreign.json()["errors"]


def test_plt3_a_read_only_scope_cannot_change_through_the_api(tree, daoli, researcher, api):
    visit = record(daoli, start=datetime.date(2014, 4, 15), place=tree.a1a)
    api.as_(researcher)
    assert api.get(f"/visits/{visit.pk}/").status_code == 200
    assert api.put(f"/visits/{visit.pk}/", {"women_met": 1}).status_code == 403


def test_plt3_contact_points_through_the_api(tree, daoli, api):
    created = api.as_(daoli).post(
        "/contact-points/",
        {"place": tree.a1a.pk, "keeper": daoli.pk, "since_year": 2014, "contact_phone": "13800001234"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["contact_phone"] == "138****1234" and body["keeper_name"] == "daoli"
    record(daoli, start=datetime.date(2014, 4, 15), contact_point=ContactPoint.objects.get())
    assert api.get(f"/contact-points/{body['id']}/").json()["last_visit"] == "2014-04-15"
    assert api.put(f"/contact-points/{body['id']}/", {"notes": "每月"}).json()["notes"] == "每月"
    assert ContactPoint.objects.get().contact_phone == "13800001234"
    bad = api.post("/contact-points/", {"place": tree.a.pk, "since_year": 1800})
    assert bad.status_code == 422 and "建立年度" in bad.json()["detail"]
    assert api.get("/contact-points/").json()["count"] == 1


def test_plt3_questionnaires_and_responses_through_the_api(tree, city_leader, daoli, nangang, api):
    created = api.as_(city_leader).post(
        "/questionnaires/",
        {
            "year": 2014,
            "title": "需求调查",
            "status": "open",
            "questions": [
                {"text": "是否就业", "kind": "single", "code": "job", "required": True,
                 "choices": [{"value": "y", "label": "是"}, {"value": "n", "label": "否"}]},
                {"text": "想学什么", "kind": "text", "code": "want", "relevant": "${job} = 'n'"},
            ],
        },
    )  # fmt: skip
    assert created.status_code == 201, created.content
    qid = created.json()["id"]
    assert created.json()["questions"][1]["condition"] == {"op": "=", "q": "job", "v": "n"}
    api.as_(daoli)
    assert api.get("/questionnaires/").json()["count"] == 1  # visible down the tree
    assert api.put(f"/questionnaires/{qid}/", {"title": "改"}).status_code == 403
    response_id = str(uuid.uuid4())
    answer = {"id": response_id, "answers": {"job": "n", "want": "电商"}}
    first = api.post(f"/questionnaires/{qid}/responses/", answer)
    assert first.status_code == 201 and first.json()["answers"] == {"job": "n", "want": "电商"}
    assert api.post(f"/questionnaires/{qid}/responses/", answer).status_code == 200
    missing = api.post(f"/questionnaires/{qid}/responses/", {"answers": {}})
    assert missing.status_code == 422 and "job" in missing.json()["errors"]
    assert api.put(f"/responses/{response_id}/", {"answers": {"job": "y"}}).json()["answers"] == {"job": "y"}
    tallies = api.get(f"/questionnaires/{qid}/tallies/").json()
    assert tallies["responses"] == 1 and tallies["questions"][0]["choices"][0]["count"] == 1
    api.as_(nangang)
    assert api.get(f"/responses/{response_id}/").status_code == 404
    assert api.get(f"/questionnaires/{qid}/responses/").json()["count"] == 0
    assert Response.objects.count() == 1


def test_plt3_a_draft_questionnaire_can_have_its_questions_replaced(tree, city_leader, api):
    questionnaire = qservice.create_questionnaire(city_leader, org=tree.city, year=2014, title="草稿")
    response = api.as_(city_leader).put(
        f"/questionnaires/{questionnaire.pk}/", {"questions": [{"text": "年龄", "kind": "number"}]}
    )
    assert response.status_code == 200 and response.json()["questions"][0]["code"] == "q1"
    assert Questionnaire.objects.get().questions.count() == 1


def test_plt3_the_openapi_description_covers_the_fieldwork_paths(tree, city_leader, login_as):
    schema = login_as(city_leader).get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/contact-points/",
        "/api/v1/contact-points/{cp_id}/",
        "/api/v1/visits/",
        "/api/v1/visits/{visit_id}/",
        "/api/v1/questionnaires/",
        "/api/v1/questionnaires/{questionnaire_id}/",
        "/api/v1/questionnaires/{questionnaire_id}/responses/",
        "/api/v1/questionnaires/{questionnaire_id}/tallies/",
        "/api/v1/responses/{response_id}/",
    ):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/visits/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/v1/visits/{visit_id}/"]) == {"get", "put"}
    assert "422" in schema["paths"]["/api/v1/visits/"]["post"]["responses"]
