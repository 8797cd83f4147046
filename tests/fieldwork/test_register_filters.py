"""Issue 11 point 1: one filter per register — contact points, questionnaires and questionnaire responses
give the same rows on their list page, in their ledger export (contact points, responses) and from the
API. An id outside the caller's scope (a unit, a keeper, a questionnaire) empties the page and the
export and is 404 in the API, never a wider list nor the foreign name; a bad value is refused with a
Chinese message naming the field."""

from __future__ import annotations

from django.urls import reverse

from fuqing.fieldwork import questionnaires as qservice
from fuqing.fieldwork import responses, services
from fuqing.fieldwork.questionnaires import QuestionData
from fuqing.orgs.models import Position
from tests.api.conftest import token_for
from tests.conftest import make_user
from tests.projects.test_register_filters import (
    _api_ids,
    _bad_value,
    _foreign_refused,
    _ledger_ids,
    _page_ids,
    _same_rows,
)

YES_NO = [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]


def _point(actor, org, place, keeper=None, **extra):
    return services.save_contact_point(
        actor, None, services.ContactPointData(org=org, place=place, keeper=keeper, since_year=2014, **extra)
    )


def _survey(actor, org, title="妇女需求调查", status="open"):
    questionnaire = qservice.create_questionnaire(
        actor,
        org=org,
        year=2014,
        title=title,
        questions=[
            QuestionData("是否有工作", "single", code="employed", required=True, choices=YES_NO),
            QuestionData("最需要的帮助", "text", code="need"),
        ],
    )
    if status != "draft":
        qservice.set_status(actor, questionnaire, status)
    return questionnaire


def test_contact_points_page_ledger_and_api_give_the_same_rows(client, tree, daoli, nangang):
    _point(daoli, tree.a, tree.a1a, daoli, notes="重点社区")
    _point(daoli, tree.a, tree.a1, notes="重点街道")
    _point(daoli, tree.a1, tree.a1a)
    chair = make_user(tree.b, "leader", name="孙丽华", position=Position.VICE_CHAIR_FULL)
    _point(nangang, tree.b, tree.b1, chair, notes="重点社区")
    where = {
        "path": "/contact-points/",
        "url": reverse("fieldwork:contact-points"),
        "ledger": "contact_points",
    }
    assert len(_same_rows(client, daoli, **where, params={"q": "重点"})) == 2
    assert len(_same_rows(client, daoli, **where, params={"q": "重点", "keeper": daoli.pk})) == 1
    assert len(_same_rows(client, daoli, **where, params={"org": tree.a1.pk})) == 1
    _foreign_refused(client, daoli, **where, field="org", value=tree.b.pk, hidden="南岗区妇联")
    _foreign_refused(client, daoli, **where, field="keeper", value=chair.pk, hidden="孙丽华")
    _bad_value(
        client, daoli, path=where["path"], url=where["url"], field="keeper", value="x", label="联系领导"
    )


def test_questionnaires_page_and_api_give_the_same_rows(client, tree, city_leader, daoli, nangang):
    _survey(city_leader, tree.city)  # published down the tree: daoli sees it
    _survey(daoli, tree.a, title="道里区妇女就业调查")
    _survey(daoli, tree.a, title="道里区家庭调查", status="draft")
    _survey(nangang, tree.b, title="南岗区妇女就业调查")
    url = reverse("fieldwork:questionnaires")
    for params, expected in (
        ({"year": 2014, "status": "open"}, 2),
        ({"year": 2014, "q": "就业"}, 1),
        ({"year": 2014, "status": "draft"}, 1),
    ):
        rows = _api_ids(client, daoli, "/questionnaires/", params)
        assert len(rows) == expected and _page_ids(client, daoli, url, params) == rows
    _bad_value(
        client, daoli, path="/questionnaires/", url=url, field="status", value="archived", label="状态"
    )


def test_responses_page_ledger_and_api_give_the_same_rows(client, tree, city_leader, daoli, nangang):
    survey = _survey(city_leader, tree.city)
    for org, need in ((tree.a, "想学电商"), (tree.a1, "想学家政"), (tree.a1, "")):
        responses.submit_response(daoli, survey, org=org, answers={"employed": "no", "need": need})
    responses.submit_response(nangang, survey, org=tree.b, answers={"employed": "no", "need": "想学电商"})
    path = f"/questionnaires/{survey.pk}/responses/"
    url = reverse("fieldwork:responses", args=[survey.pk])
    for params, expected in (
        ({"q": "想学"}, 2),
        ({"org": tree.a1.pk}, 2),
        ({"org": tree.a1.pk, "q": "电商"}, 0),
    ):
        rows = _api_ids(client, daoli, path, params)
        assert len(rows) == expected
        assert _ledger_ids("responses", daoli, {**params, "questionnaire": survey.pk}) == rows
        assert _page_ids(client, daoli, url, params) == rows
    _foreign_refused(
        client,
        daoli,
        path=path,
        url=url,
        ledger="responses",
        field="org",
        value=tree.b.pk,
        hidden="南岗区妇联",
    )
    _bad_value(client, daoli, path=path, url=url, field="year", value="99", label="年度")
    # a questionnaire outside the scope: 404 on the page and in the API, nothing in the export
    foreign = _survey(nangang, tree.b, title="南岗区妇女就业调查")
    responses.submit_response(nangang, foreign, org=tree.b, answers={"employed": "yes"})
    assert _ledger_ids("responses", daoli, {"questionnaire": foreign.pk}) == set()
    api = client.get(
        f"/api/v1/questionnaires/{foreign.pk}/responses/", HTTP_AUTHORIZATION=f"Bearer {token_for(daoli)}"
    )
    assert api.status_code == 404
    assert client.get(reverse("fieldwork:responses", args=[foreign.pk])).status_code == 404
    assert (
        len(
            _same_rows(
                client, daoli, path=path, url=url, ledger="responses", params={"questionnaire": survey.pk}
            )
        )
        == 3
    )
