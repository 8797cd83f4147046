"""PLT-3 for projects: the API covers projects, indicators, targets, progress, beneficiaries, volunteers,
households and pairs, with the same scope, permissions and rules as the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from fuqing.api.auth import TOKEN_PREFIX, digest
from fuqing.orgs.models import ApiToken
from fuqing.projects import services
from fuqing.projects.models import Beneficiary, ProgressEntry, Target


@pytest.fixture
def api(client):
    def as_user(user):
        raw = f"{TOKEN_PREFIX}{user.username}-{timezone.now().timestamp()}"
        ApiToken.objects.create(
            user=user,
            digest=digest(raw),
            prefix=raw[:8],
            expires_at=timezone.now() + timezone.timedelta(hours=1),
        )
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Caller:
            def get(self, url, data=None):
                return client.get(url, data or {}, **headers)

            def post(self, url, body):
                return client.post(url, body, content_type="application/json", **headers)

            def put(self, url, body):
                return client.put(url, body, content_type="application/json", **headers)

            def delete(self, url, body):
                return client.delete(url, body, content_type="application/json", **headers)

        return Caller()

    return as_user


def test_plt3_prj1_projects_are_created_and_listed_down_the_tree(
    tree, campaign, city_leader, daoli, nangang, api
):
    response = api(city_leader).post(
        "/api/v1/projects/",
        {"org": tree.city.pk, "year": 2014, "name": "春风送岗位", "lead_department": tree.research.pk},
    )
    assert response.status_code == 201 and response.json()["lead_department_name"] == "研究室"
    project_id = response.json()["id"]
    response = api(city_leader).post(
        f"/api/v1/projects/{project_id}/indicators/",
        {"name": "提供就业岗位", "unit": "item", "target": "3000"},
    )
    assert response.status_code == 201
    listed = api(daoli).get("/api/v1/projects/", {"year": 2014}).json()
    assert [p["name"] for p in listed["items"]] == ["春风送岗位"]
    assert listed["items"][0]["indicators"][0]["target"] == "3000.00"
    own = api(daoli).post("/api/v1/projects/", {"org": tree.a.pk, "year": 2014, "name": "道里区项目"})
    assert own.status_code == 201
    assert "道里区项目" not in str(api(nangang).get("/api/v1/projects/").json())
    assert api(nangang).get(f"/api/v1/projects/{own.json()['id']}/").status_code == 404


def test_plt3_prj1_invalid_input_answers_422_with_the_field_and_the_rule(tree, project, city_leader, api):
    response = api(city_leader).post(
        f"/api/v1/projects/{project.pk}/indicators/", {"name": "岗位", "unit": "件"}
    )
    assert response.status_code == 422
    assert "计量单位应为" in response.json()["errors"]["unit"][0]


def test_plt3_prj2_splits_are_read_and_saved(tree, jobs, city_leader, daoli, api):
    url = f"/api/v1/indicators/{jobs.pk}/split/"
    draft = api(city_leader).put(url, {"parts": [{"org": tree.a.pk, "value": "1000"}]})
    assert draft.status_code == 200 and draft.json()["draft"] is True
    assert "少 2,000" in draft.json()["message"]
    refused = api(city_leader).put(url, {"parts": [{"org": tree.b.pk, "value": "1500"}], "issue": True})
    assert refused.status_code == 422 and "少 500" in refused.json()["detail"]
    issued = api(city_leader).put(url, {"parts": [{"org": tree.b.pk, "value": "2000"}], "issue": True})
    assert issued.json()["balanced"] is True and issued.json()["draft"] is False
    assert api(daoli).put(url, {"parts": [{"org": tree.a.pk, "value": "3000"}]}).status_code == 403
    own = api(daoli).get(url, {"org": tree.a.pk}).json()
    assert own["whole"] == "1000.00" and own["parts"][0]["org_name"] == "新阳路街道"
    targets = api(daoli).get("/api/v1/targets/").json()
    assert [t["org_name"] for t in targets["items"]] == ["道里区妇联"]
    assert Target.objects.count() == 2


def test_plt3_prj3_progress_is_reported_corrected_and_rolled_up(tree, jobs, city_leader, daoli, nangang, api):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1530, tree.b.pk: 1470}, issue=True)
    body = {"indicator": jobs.pk, "org": tree.a1.pk, "month": "2014-05", "value": "300"}
    assert api(daoli).post("/api/v1/progress/", body).status_code == 201
    assert api(daoli).post("/api/v1/progress/", body).status_code == 200  # unchanged
    corrected = api(daoli).post("/api/v1/progress/", {**body, "value": "320"})
    assert (
        corrected.status_code == 422 and "更正数值须填写更正原因" in corrected.json()["errors"]["reason"][0]
    )
    corrected = api(daoli).post("/api/v1/progress/", {**body, "value": "320", "reason": "补报"})
    assert corrected.json()["corrected"]["value"] == "300.00"
    assert api(nangang).post("/api/v1/progress/", body).status_code == 404
    entry_id = corrected.json()["entry"]["id"]
    history = api(daoli).get(f"/api/v1/progress/{entry_id}/").json()["history"]
    assert [h["value"] for h in history] == ["320.00", "300.00"]
    figures = api(daoli).get(
        f"/api/v1/indicators/{jobs.pk}/figures/", {"org": tree.a.pk, "as_of": "2014-05-31"}
    )
    data = figures.json()
    assert data["unit"]["value"] == "320.00" and data["unit"]["expected"] == "610.00"
    assert data["unit"]["status"] == "at_risk"
    assert data["children"][0]["org_name"] == "新阳路街道"
    assert [m["month"] for m in data["months"]][:2] == ["2014-04", "2014-05"]
    project = api(daoli).get(f"/api/v1/projects/{jobs.project_id}/figures/").json()
    assert project["org"] == tree.a.pk and project["figures"][0]["completion_rate"] == pytest.approx(
        320 / 1530, 1e-3
    )
    assert api(nangang).get(f"/api/v1/indicators/{jobs.pk}/figures/", {"org": tree.a.pk}).status_code == 404
    assert ProgressEntry.objects.count() == 2


def test_plt3_prj4_beneficiaries_are_recorded_once_masked_and_removed_with_a_reason(
    tree, relief, women, daoli, nangang, api
):
    body = {
        "project": relief["project"].pk,
        "woman": str(women[0].pk),
        "org": tree.a1.pk,
        "received_on": "2014-05-12",
        "help_kind": "泥草房改建",
        "amount": "20000",
    }
    created = api(daoli).post("/api/v1/beneficiaries/", body)
    assert created.status_code == 201 and created.json()["woman_name"] == "张*英"
    duplicate = api(daoli).post("/api/v1/beneficiaries/", body)
    assert duplicate.status_code == 422 and "同一帮扶不重复计数" in duplicate.json()["detail"]
    assert api(nangang).post("/api/v1/beneficiaries/", {**body, "org": tree.b1.pk}).status_code == 404
    listed = api(daoli).get("/api/v1/beneficiaries/").json()
    assert listed["count"] == 1 and "张秀英" not in str(listed)
    record = created.json()["id"]
    assert api(daoli).delete(f"/api/v1/beneficiaries/{record}/", {"reason": ""}).status_code == 422
    assert api(daoli).delete(f"/api/v1/beneficiaries/{record}/", {"reason": "重复录入"}).status_code == 204
    assert not Beneficiary.objects.exists()


def test_plt3_prj5_pairs_are_created_and_listed(tree, sunset, colleague, nangang, api):
    volunteer = services.register_volunteer(colleague, org=tree.a1a, name="赵桂兰", phone="13904511234")
    home = services.add_household(colleague, org=tree.a1a, address="友谊路12号", elders=[{"name": "王桂芝"}])
    body = {
        "project": sunset["project"].pk,
        "volunteer": str(volunteer.pk),
        "household": str(home.pk),
        "started_on": "2014-05-01",
    }
    created = api(colleague).post("/api/v1/volunteer-pairs/", body)
    assert created.status_code == 201 and created.json()["volunteer_name"] == "赵桂兰"
    assert api(colleague).post("/api/v1/volunteer-pairs/", body).status_code == 422
    volunteers = api(colleague).get("/api/v1/volunteers/").json()
    assert volunteers["items"][0]["phone"] == "139****1234"
    households = api(colleague).get("/api/v1/households/").json()
    assert households["items"][0]["elders"][0]["name"] == "王*芝"
    assert api(nangang).get(f"/api/v1/volunteer-pairs/{created.json()['id']}/").status_code == 404
    assert api(nangang).get("/api/v1/volunteer-pairs/").json()["count"] == 0


def test_plt3_the_openapi_description_lists_the_projects_operations(city_leader, login_as):
    schema = login_as(city_leader).get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/projects/",
        "/api/v1/indicators/{indicator_id}/split/",
        "/api/v1/progress/",
        "/api/v1/beneficiaries/",
        "/api/v1/volunteer-pairs/",
        "/api/v1/my/households/",
    ):
        assert path in paths


def test_plt3_a_date_outside_the_year_is_refused(tree, relief, women, daoli, api):
    body = {
        "project": relief["project"].pk,
        "woman": str(women[0].pk),
        "org": tree.a1.pk,
        "received_on": str(datetime.date(2015, 1, 3)),
        "help_kind": "生活救助",
    }
    response = api(daoli).post("/api/v1/beneficiaries/", body)
    assert (
        response.status_code == 422
        and "受助日期应在项目年度（2014年）内" in response.json()["errors"]["received_on"][0]
    )
    assert Decimal(0) == sum(b.amount or 0 for b in Beneficiary.objects.all())
