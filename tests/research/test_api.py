"""PLT-3 for research: topics, reports with their workflow, and blind scores through the API, under the
same services and scoping as the pages."""

from __future__ import annotations

import pytest

from fuqing.research.models import Report, Topic
from fuqing.research.services import cup as cup_services
from tests.research.conftest import SECTIONS, YEAR, token_for


@pytest.fixture
def api(client):
    def call(user, method, path, data=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
        if method == "get":
            return client.get(f"/api/v1{path}", data or {}, **headers)
        return client.generic(
            method.upper(),
            f"/api/v1{path}",
            __import__("json").dumps(data or {}),
            content_type="application/json",
            **headers,
        )

    return call


def test_res1_api_creates_lists_and_updates_topics(tree, api, daoli, a_chair, nangang):
    created = api(
        daoli,
        "post",
        "/topics/",
        {"org": tree.a.pk, "year": YEAR, "title": "失地妇女调研", "leader": a_chair.pk},
    )
    assert created.status_code == 201, created.content
    topic_id = created.json()["id"]
    assert api(daoli, "get", "/topics/", {"year": YEAR}).json()["count"] == 1
    assert api(nangang, "get", f"/topics/{topic_id}/").status_code == 404
    updated = api(daoli, "patch", f"/topics/{topic_id}/", {"title": "失地妇女就业调研"})
    assert updated.json()["title"] == "失地妇女就业调研"


def test_res1_api_refuses_a_wrong_leader_with_the_rule(tree, api, daoli):
    response = api(
        daoli, "post", "/topics/", {"org": tree.a.pk, "year": YEAR, "title": "课题", "leader": daoli.pk}
    )
    assert response.status_code == 422
    assert "主席带队" in response.json()["errors"]["leader"][0]
    assert not Topic.objects.exists()


def test_res2_api_requires_the_three_parts(tree, api, daoli):
    response = api(
        daoli,
        "post",
        "/reports/",
        {"org": tree.a.pk, "year": YEAR, "title": "报告", **SECTIONS, "recommendations": ""},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["recommendations"]


def test_res3_api_runs_the_workflow_and_refuses_changes_after_submission(
    tree, api, daoli, city_leader, researcher
):
    created = api(daoli, "post", "/reports/", {"org": tree.a.pk, "year": YEAR, "title": "报告", **SECTIONS})
    assert created.status_code == 201
    report_id = created.json()["id"]
    assert created.json()["actions"] == ["submit"]
    assert created.json()["figures"][0]["key"] == "visit_count"
    assert (
        api(daoli, "post", f"/reports/{report_id}/transitions/", {"action": "submit"}).json()["status"]
        == "submitted"
    )
    locked = api(daoli, "patch", f"/reports/{report_id}/", {"title": "改"})
    assert locked.status_code == 422 and "退回" in locked.json()["detail"]
    assert api(daoli, "post", f"/reports/{report_id}/transitions/", {"action": "review"}).status_code == 403
    back = api(
        city_leader, "post", f"/reports/{report_id}/transitions/", {"action": "return", "comment": "补充数据"}
    )
    assert back.json()["status"] == "draft" and back.json()["events"][-1]["comment"] == "补充数据"
    assert api(daoli, "patch", f"/reports/{report_id}/", {"title": "改"}).json()["title"] == "改"
    api(daoli, "post", f"/reports/{report_id}/transitions/", {"action": "submit"})
    api(researcher, "post", f"/reports/{report_id}/transitions/", {"action": "review"})
    final = api(researcher, "post", f"/reports/{report_id}/transitions/", {"action": "recommend"})
    assert final.json()["status"] == "recommended"
    assert Report.objects.get().status == "recommended"


def test_res3_api_hides_other_units_reports(tree, api, daoli, nangang, new_report):
    report = new_report(daoli, tree.a)
    assert api(nangang, "get", f"/reports/{report.pk}/").status_code == 404
    assert api(nangang, "get", "/reports/").json()["count"] == 0


def test_res4_api_scores_are_blind_and_checked(
    tree, api, researcher, city_leader, vice_chair, daoli, nangang, new_report
):
    cup = cup_services.create_competition(researcher, org=tree.research, year=YEAR, name="求实杯")
    report = new_report(nangang, tree.b, status="submitted")
    entry = cup_services.add_entries(researcher, cup, [report.pk])[0]
    for judge in (city_leader, vice_chair):
        cup_services.add_judge(researcher, cup, judge)
    scores = [{"criterion": c.pk, "value": 80} for c in cup.criteria.all()]
    created = api(city_leader, "post", "/scores/", {"entry": entry.pk, "scores": scores, "comment": "好"})
    assert created.status_code == 201 and created.json()["total"] == 80.0
    assert "org" not in created.json() and "南岗区妇联" not in created.content.decode()
    sheet_id = created.json()["id"]
    assert api(vice_chair, "get", f"/scores/{sheet_id}/").status_code == 404  # another judge's
    assert api(vice_chair, "patch", f"/scores/{sheet_id}/", {"comment": "改"}).status_code == 404
    changed = api(
        city_leader,
        "patch",
        f"/scores/{sheet_id}/",
        {"scores": [{"criterion": scores[0]["criterion"], "value": 100}]},
    )
    assert changed.status_code == 200 and changed.json()["total"] > 80
    bad = api(
        vice_chair,
        "post",
        "/scores/",
        {"entry": entry.pk, "scores": [{"criterion": scores[0]["criterion"], "value": 120}]},
    )
    assert bad.status_code == 422
    assert api(researcher, "get", "/scores/", {"competition": cup.pk}).json()["count"] == 1


def test_res3_api_gives_a_submitted_reports_figures_as_submitted(tree, api, daoli, new_report):
    """The API reads figures by the pages' rule: live in a draft, frozen with their date once submitted."""
    import datetime

    from fuqing.fieldwork.models import Visit

    day = datetime.date(YEAR, 4, 20)
    Visit.objects.create(org=tree.a1, started_on=day, ended_on=day, method="interview", women_met=3)
    text = "全区今年共开展走访{{figure:visit_count}}。"
    draft = new_report(daoli, tree.a, situation=text)
    body = api(daoli, "get", f"/reports/{draft.pk}/").json()
    assert body["figures_as_of"] is None and body["figures"][0]["total"] == 1
    report = new_report(daoli, tree.a, status="submitted", situation=text)
    Visit.objects.create(org=tree.a1, started_on=day, ended_on=day, method="interview", women_met=3)
    body = api(daoli, "get", f"/reports/{report.pk}/").json()
    assert body["figures_as_of"] is not None and body["figures"][0]["total"] == 1
    assert api(daoli, "get", f"/reports/{draft.pk}/").json()["figures"][0]["total"] == 2
