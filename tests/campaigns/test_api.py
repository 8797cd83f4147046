"""PLT-3 with CAM-2 / CAM-3: the API lists, reads, creates and updates plans, submissions and deadlines
under the same scope and permissions as the pages."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from fuqing.api.auth import TOKEN_PREFIX, digest
from fuqing.campaigns import plans
from fuqing.campaigns.models import Deadline, Plan, Submission
from fuqing.campaigns.submissions import submit_document
from fuqing.orgs.models import ApiToken
from tests.campaigns.conftest import at, docx, docx_bytes, obligation

pytestmark = pytest.mark.usefixtures("campaign")
FIELDS = {"title": "方案", "goals": "目标", "responsibilities": "责任", "measures": ""}


def bearer(user) -> dict:
    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- deadlines ------------------------------------------------------------------------------------


def test_plt3_deadlines_list_with_counts_in_my_scope(client, tree, survey, daoli):
    submit_document(daoli, obligation(survey, tree.a), docx(), at=at("2014-05-12"))
    data = client.get("/api/v1/deadlines/", {"year": 2014}, **bearer(daoli)).json()
    assert data["count"] == 3
    item = next(i for i in data["items"] if i["code"] == "survey-summary")
    assert item["kind"] == "survey_summary" and item["owed_by_kinds"] == ["district", "department"]
    assert item["counts"]["owed"] == 1 and item["counts"]["late"] == 1  # only 道里 is in daoli's scope


def test_plt3_cam2_administrator_configures_who_owes_a_deadline(client, tree, campaign, survey, sysadmin):
    response = client.patch(
        f"/api/v1/deadlines/{survey.pk}/",
        {"owed_by_kinds": [], "owed_by_orgs": [tree.a1.pk], "remind_days_before": 3},
        content_type="application/json",
        **bearer(sysadmin),
    )
    assert response.status_code == 200, response.content
    assert response.json()["owed_by_orgs"] == [tree.a1.pk]
    assert set(survey.obligations.values_list("org__name", flat=True)) == {"新阳路街道"}


def test_plt3_cam2_deadline_rule_errors_come_back_as_422(client, survey, sysadmin):
    response = client.patch(
        f"/api/v1/deadlines/{survey.pk}/",
        {"owed_by_kinds": [], "owed_by_orgs": []},
        content_type="application/json",
        **bearer(sysadmin),
    )
    assert response.status_code == 422
    assert "owed_by_kinds：请选择报送单位类型" in response.json()["detail"]


def test_plt3_cam2_create_a_deadline(client, tree, campaign, sysadmin):
    response = client.post(
        "/api/v1/deadlines/",
        {
            "campaign": campaign.pk,
            "code": "plan",
            "name": "实施方案",
            "due_on": "2014-04-20",
            "kind": "plan",
            "owed_by_kinds": ["district"],
        },
        content_type="application/json",
        **bearer(sysadmin),
    )
    assert response.status_code == 201, response.content
    assert Deadline.objects.get(code="plan").obligations.count() == 2


def test_plt3_a_leader_cannot_configure_deadlines(client, survey, daoli):
    response = client.patch(
        f"/api/v1/deadlines/{survey.pk}/",
        {"remind_days_before": 3},
        content_type="application/json",
        **bearer(daoli),
    )
    assert response.status_code == 403


# --- obligations and submissions ------------------------------------------------------------------


def test_plt3_cam2_obligations_table_with_status_filter(client, tree, survey, researcher):
    submit_document(None, obligation(survey, tree.a), docx(), at=at("2014-05-12"))
    data = client.get(
        "/api/v1/obligations/", {"deadline": survey.pk, "status": "late"}, **bearer(researcher)
    ).json()
    assert [(i["org_name"], i["days_late"], i["status_label"]) for i in data["items"]] == [
        ("道里区妇联", 2, "逾期报送")
    ]
    assert data["counts"]["owed"] == 1


def test_plt3_cam2_upload_a_submission_and_replace_it(client, tree, survey, daoli):
    owed = obligation(survey, tree.a)
    first = client.post(
        "/api/v1/submissions/", {"obligation": owed.pk, "file": docx(), "note": "初稿"}, **bearer(daoli)
    )
    assert first.status_code == 201, first.content
    second = client.post(
        "/api/v1/submissions/", {"obligation": owed.pk, "file": docx("二稿.docx")}, **bearer(daoli)
    )
    body = second.json()
    assert body["version"] == 2 and body["is_current"] and body["file_name"] == "二稿.docx"
    assert body["download_url"] == f"/campaigns/submissions/{body['id']}/file/"
    listed = client.get("/api/v1/submissions/", {"current_only": True}, **bearer(daoli)).json()
    assert [i["version"] for i in listed["items"]] == [2]
    assert (
        client.get(f"/api/v1/submissions/{first.json()['id']}/", **bearer(daoli)).json()["is_current"]
        is False
    )


def test_plt3_sec10_api_upload_is_checked_like_the_page(client, tree, survey, daoli):
    from django.core.files.uploadedfile import SimpleUploadedFile

    owed = obligation(survey, tree.a)
    response = client.post(
        "/api/v1/submissions/",
        {"obligation": owed.pk, "file": SimpleUploadedFile("a.exe", b"MZ")},
        **bearer(daoli),
    )
    assert response.status_code == 422 and "只接受" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_plt3_org3_sibling_cannot_submit_or_read(client, tree, survey, daoli, nangang):
    owed = obligation(survey, tree.a)
    mine = submit_document(daoli, owed, docx())
    assert (
        client.post(
            "/api/v1/submissions/", {"obligation": owed.pk, "file": docx()}, **bearer(nangang)
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/submissions/{mine.pk}/", **bearer(nangang)).status_code == 404
    assert client.get("/api/v1/submissions/", **bearer(nangang)).json()["count"] == 0


def test_plt3_read_only_scope_cannot_submit(client, tree, survey, researcher):
    owed = obligation(survey, tree.a)
    response = client.post(
        "/api/v1/submissions/", {"obligation": owed.pk, "file": docx()}, **bearer(researcher)
    )
    assert response.status_code == 403


# --- plans ----------------------------------------------------------------------------------------


def test_plt3_cam3_create_update_submit_and_read_a_plan(client, tree, campaign, daoli, colleague):
    response = client.post(
        "/api/v1/plans/",
        {"campaign": campaign.pk, "org": tree.a.pk, "leaders": [daoli.pk], **FIELDS},
        content_type="application/json",
        **bearer(daoli),
    )
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/plans/{plan_id}/",
        {"measures": "分片包干", "leaders": [daoli.pk, colleague.pk]},
        content_type="application/json",
        **bearer(daoli),
    )
    body = response.json()
    assert body["version"] == 2 and {x["name"] for x in body["leaders"]} == {"daoli", "colleague"}
    assert client.post(f"/api/v1/plans/{plan_id}/submit/", **bearer(daoli)).json()["status"] == "已提交"
    listed = client.get("/api/v1/plans/", {"year": 2014, "q": "方案"}, **bearer(daoli)).json()
    assert listed["count"] == 1 and listed["items"][0]["submitted_version"] == 2


def test_plt3_cam3_plan_rules_come_back_as_422(client, tree, campaign, daoli, nangang):
    response = client.post(
        "/api/v1/plans/",
        {"campaign": campaign.pk, "org": tree.a.pk, "leaders": [nangang.pk], **FIELDS},
        content_type="application/json",
        **bearer(daoli),
    )
    # nangang is outside daoli's scope: not even found (404 like every foreign id, the field named)
    assert response.status_code == 404 and "牵头领导不存在" in response.json()["errors"]["leaders"][0]
    response = client.post(
        "/api/v1/plans/",
        {"campaign": campaign.pk, "org": tree.a.pk, "leaders": [daoli.pk], **{**FIELDS, "goals": ""}},
        content_type="application/json",
        **bearer(daoli),
    )
    assert response.status_code == 422 and "goals：" in response.json()["detail"]
    assert not Plan.objects.exists()


def test_plt3_cam3_parent_reads_a_plan_but_cannot_change_it(
    client, tree, campaign, daoli, researcher, nangang
):
    plan = plans.create_plan(daoli, campaign=campaign, org=tree.a, leaders=[daoli], **FIELDS)
    assert client.get(f"/api/v1/plans/{plan.pk}/", **bearer(researcher)).status_code == 200
    response = client.patch(
        f"/api/v1/plans/{plan.pk}/", {"goals": "改"}, content_type="application/json", **bearer(researcher)
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/plans/{plan.pk}/", **bearer(nangang)).status_code == 404


def test_plt3_openapi_describes_the_campaign_paths(client, daoli, login_as):
    schema = login_as(daoli).get("/api/v1/openapi.json").json()
    for path in ("/api/v1/plans/", "/api/v1/submissions/", "/api/v1/deadlines/", "/api/v1/obligations/"):
        assert path in schema["paths"]
    assert docx_bytes()  # the helper used above builds a real Word file
