"""PLT-3 for assistance: list, read, create, update and outcome transitions under the same scope,
permissions and masking as the pages."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from fuqing.api.auth import TOKEN_PREFIX, digest
from fuqing.assistance.models import Need, NeedStatus, Suggestion
from fuqing.orgs.models import ApiToken


def _token(user) -> dict:
    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def api(client):
    class Api:
        def __init__(self):
            self.headers = {}

        def as_(self, user):
            self.headers = _token(user)
            return self

        def get(self, url, **params):
            return client.get(f"/api/v1{url}", params, **self.headers)

        def send(self, method, url, data):
            return client.generic(
                method,
                f"/api/v1{url}",
                __import__("json").dumps(data),
                content_type="application/json",
                **self.headers,
            )

    return Api()


def test_plt3_need_lifecycle_through_the_api(api, daoli, woman, categories):
    api.as_(daoli)
    created = api.send(
        "POST",
        "/needs/",
        {
            "org": woman.org_id,
            "woman": str(woman.pk),
            "category": "employment",
            "source": "hotline",
            "description": "希望提供灵活就业岗位",
            "reported_on": "2014-04-15",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["woman_name"] == "张*英" and "灵活就业" in body["keywords"]
    need_id = body["id"]
    listed = api.get("/needs/", keyword="灵活就业").json()
    assert listed["count"] == 1 and "张秀英" not in str(listed)
    patched = api.send("PATCH", f"/needs/{need_id}/", {"urgency": "urgent"})
    assert patched.json()["urgency"] == "urgent"
    refused = api.send("POST", f"/needs/{need_id}/counsel/", {"explanation": ""})
    assert refused.status_code == 422 and "解释疏导须写明" in refused.json()["detail"]
    assert api.send("POST", f"/needs/{need_id}/resolve/", {"note": "已就业"}).json()["status"] == "resolved"
    reopened = api.send("POST", f"/needs/{need_id}/reopen/", {"reason": "仍未解决"})
    assert reopened.json()["status"] == "open"
    escalated = api.send(
        "POST",
        f"/needs/{need_id}/escalate/",
        {"title": "关于灵活就业的建议", "channel": "info_report", "recipient": "government"},
    )
    assert escalated.json()["status"] == NeedStatus.ESCALATED
    suggestion = Suggestion.objects.get()
    outcome = api.send(
        "POST", f"/suggestions/{suggestion.pk}/outcomes/", {"stage": 10, "happened_on": "2014-05-20"}
    )
    assert outcome.json()["stage"] == 10 and outcome.json()["achievements"][0]["happened_on"] == "2014-05-20"


def test_plt3_validation_errors_are_chinese_and_name_the_field(api, daoli, tree):
    response = api.as_(daoli).send("POST", "/needs/", {"org": tree.a.pk, "reported_on": "2014-04-15"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "诉求描述必填" in errors["description"][0] and Need.objects.count() == 0


def test_plt3_out_of_scope_is_404_and_references_too(api, daoli, nangang, tree, make_need, outsider_woman):
    need = make_need(daoli, tree.a1a)
    api.as_(nangang)
    assert api.get(f"/needs/{need.pk}/").status_code == 404
    assert api.send("POST", f"/needs/{need.pk}/resolve/", {}).status_code == 404
    assert api.get("/needs/").json()["count"] == 0
    response = api.as_(daoli).send(
        "POST",
        "/needs/",
        {
            "org": tree.a.pk,
            "woman": str(outsider_woman.pk),
            "description": "x",
            "reported_on": "2014-04-15",
            "category": "other",
        },
    )
    # 404 like every foreign id (the API kit's one answer), the field named
    assert (
        response.status_code == 404
        and "妇女不存在或不在您的数据范围内" in response.json()["errors"]["woman"][0]
    )


def test_plt3_read_only_scope_cannot_close(api, researcher, daoli, tree, make_need):
    need = make_need(daoli, tree.a1a)
    assert api.as_(researcher).get(f"/needs/{need.pk}/").status_code == 200
    assert api.send("POST", f"/needs/{need.pk}/resolve/", {}).status_code == 403


def test_plt3_pairings_actions_and_funds(api, daoli, colleague, woman, make_need):
    api.as_(daoli)
    pairing = api.send(
        "POST",
        "/pairings/",
        {
            "org": woman.org_id,
            "kind": "one_to_one",
            "woman": str(woman.pk),
            "helper_users": [colleague.pk],
            "starts_on": "2014-04-20",
        },
    )
    assert pairing.status_code == 201 and pairing.json()["helper_users"] == [colleague.pk]
    assert pairing.json()["helper_names"] == [colleague.display_name]
    need = make_need(daoli, woman.org, woman=woman)
    action = api.send(
        "POST",
        "/actions/",
        {
            "need": str(need.pk),
            "service": "funds",
            "amount": "1500",
            "given_on": "2014-05-01",
            "given_by": daoli.pk,
        },
    )
    assert action.status_code == 201 and action.json()["woman_name"] == "张*英"
    assert (action.json()["given_by"], action.json()["given_by_name"]) == (daoli.pk, daoli.display_name)
    assert Decimal(api.get("/actions/").json()["total_funds"]) == 1500
    bad = api.send(
        "POST",
        "/actions/",
        {"need": str(need.pk), "service": "funds", "given_on": "2014-05-01", "given_by": "daoli"},
    )
    assert bad.status_code == 422 and "amount" in bad.json()["errors"]
    timeline = api.get(f"/women/{woman.pk}/assistance/").json()
    assert timeline["woman_name"] == "张*英" and Decimal(timeline["funds"]) == 1500


def test_plt3_hot_issues_and_reminders(api, daoli, tree, make_need):
    make_need(daoli, tree.a1a, description="希望提供灵活就业岗位")
    hot = api.as_(daoli).get("/hot-issues/", year=2014).json()
    assert hot["total"]["this_year"] == 1 and "灵活就业" in {t["label"] for t in hot["themes"]}
    assert api.get("/hot-issues/", org=tree.b.pk).status_code == 404
    assert api.get("/reminders/").json() == {"count": 0, "items": []}  # paged like every list
    make_need(daoli, tree.a1a, description="复查", review_on=datetime.date(2014, 5, 1), handler=daoli)
    from fuqing.assistance.reminders import generate_reminders

    generate_reminders(datetime.date(2014, 6, 1))
    [row] = api.get("/reminders/", unread=True).json()["items"]
    assert row["source"] == "assistance.need" and row["kind"] == "overdue" and not row["read"]
    assert row["url"].startswith("/assistance/needs/")
