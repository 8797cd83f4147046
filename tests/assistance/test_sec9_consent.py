"""SEC-9 for assistance actions: funds help needs her consent to the finance purpose, health aid her
consent to the health purpose. Without it the action is refused with a Chinese message, unless a user
holding ``registry.approve`` gives the reason for an exception (recorded on her history and in the audit
log); after she withdrew, nothing of that purpose is accepted. Each path — form, API, ledger import —
goes through the same service and is tried here."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from fuqing.api.auth import TOKEN_PREFIX, digest
from fuqing.assistance.models import Action
from fuqing.core.ledger import ImportContext, get_ledger, import_file, write_xlsx
from fuqing.core.models import AuditEvent
from fuqing.orgs.models import ApiToken
from fuqing.registry import privacy
from fuqing.registry.models import Woman, WomanEvent
from tests.conftest import login

DAY = datetime.date(2014, 4, 15)
REASON = "突发重病急需救助 本人已口头同意 事后补签"
PATHS = ["form", "api", "import"]


@pytest.fixture
def bare(tree) -> Woman:
    """A woman who has consented to nothing."""
    return Woman.objects.create(org=tree.a1a, name="赵玉珍", registered_on=DAY)


def _token(user) -> str:
    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return raw


def _send(path, client, tmp_path, user, need, service, reason=""):
    """Record one action through ``path``; returns (created, the text the user reads)."""
    before = Action.objects.count()
    amount = "800" if service == "funds" else ""
    if path == "form":
        client.logout()
        login(client, user)
        data = {"service": service, "given_on": "2014-05-01", "given_by": user.pk, "amount": amount}
        data["consent_exception"] = reason
        response = client.post(f"{reverse('assistance:action-add')}?need={need.pk}", data)
        text = response.content.decode() if response.status_code == 200 else ""
    elif path == "api":
        body = {"need": str(need.pk), "service": service, "given_on": "2014-05-01", "given_by": user.username}
        if amount:
            body["amount"] = amount
        if reason:
            body["consent_exception"] = reason
        response = client.generic(
            "POST",
            "/api/v1/actions/",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {_token(user)}",
        )
        text = json.dumps(response.json(), ensure_ascii=False) if response.status_code != 201 else ""
    else:
        path_ = str(tmp_path / f"actions-{uuid.uuid4().hex[:6]}.xlsx")
        label = {"funds": "资金", "health_aid": "健康援助"}[service]
        headers = ["诉求编号", "服务类型", "金额（元）", "提供人", "日期", "同意例外原因"]
        write_xlsx(
            path_,
            "t",
            headers,
            [[str(need.pk), label, amount, user.username, "2014-05-06", reason]],
            [12] * 6,
        )
        summary = import_file(get_ledger("actions"), path_, ImportContext(actor=user, org=need.org))
        text = " ".join(f"{e.column}：{e.message}" for e in summary.errors)
    return Action.objects.count() > before, text


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("service", "purpose"), [("funds", "财产与资金帮扶信息"), ("health_aid", "健康信息")]
)
def test_sec9_funds_or_health_help_without_consent_is_refused(
    path, service, purpose, client, tmp_path, daoli, bare, make_need
):
    need = make_need(daoli, bare.org, woman=bare)
    created, text = _send(path, client, tmp_path, daoli, need, service)
    assert not created and Action.objects.count() == 0
    assert "她尚未同意" in text and purpose in text and "同意例外原因" in text


@pytest.mark.parametrize("path", PATHS)
def test_sec9_her_consent_to_another_purpose_does_not_count(path, client, tmp_path, daoli, bare, make_need):
    privacy.give_consent(daoli, bare, "finance", given_on=DAY)
    need = make_need(daoli, bare.org, woman=bare)
    assert _send(path, client, tmp_path, daoli, need, "funds")[0]  # finance: consented
    created, text = _send(path, client, tmp_path, daoli, need, "health_aid")  # health: not
    assert not created and "健康信息" in text


@pytest.mark.parametrize("path", PATHS)
def test_sec9_a_permitted_user_records_a_documented_exception(path, client, tmp_path, daoli, bare, make_need):
    need = make_need(daoli, bare.org, woman=bare)
    created, text = _send(path, client, tmp_path, daoli, need, "health_aid", REASON)
    assert created, text
    action = Action.objects.get()
    event = WomanEvent.objects.get(woman=bare, kind="consent_exception")
    assert event.details == {
        "purpose": "health",
        "reason": REASON,
        "record": "assistance.action",
        "id": str(action.pk),
    }
    audit = AuditEvent.objects.filter(object_id=str(bare.pk), details__consent_exception="health").get()
    assert audit.details["reason"] == REASON and audit.actor == daoli


@pytest.mark.parametrize("path", PATHS)
def test_sec9_an_exception_needs_the_permission_and_a_reason(
    path, client, tmp_path, daoli, colleague, bare, make_need
):
    need = make_need(daoli, bare.org, woman=bare)
    created, text = _send(path, client, tmp_path, colleague, need, "funds", REASON)  # a cadre: no approve
    assert not created and "只有具有妇女档案审核权限的人员才能登记同意例外" in text
    created, text = _send(path, client, tmp_path, daoli, need, "funds", "急")
    assert not created and "至少 4 个字" in text
    assert not WomanEvent.objects.filter(kind="consent_exception").exists()


@pytest.mark.parametrize("path", PATHS)
def test_sec9_nothing_is_accepted_after_she_withdrew(path, client, tmp_path, daoli, bare, make_need):
    for purpose in ("health", "finance"):
        consent = privacy.give_consent(daoli, bare, purpose, given_on=DAY)
        privacy.withdraw_consent(daoli, consent, withdrawn_on=datetime.date(2014, 4, 20))
    need = make_need(daoli, bare.org, woman=bare)
    for service in ("health_aid", "funds"):
        created, text = _send(
            path, client, tmp_path, daoli, need, service, REASON
        )  # not even as an exception
        assert not created and "撤回" in text, text
    assert Action.objects.count() == 0


def test_sec9_help_that_needs_no_consent_is_recorded_as_before(client, tmp_path, daoli, bare, make_need):
    from fuqing.assistance import pairings

    need = make_need(daoli, bare.org, woman=bare)
    pairings.record_action(daoli, need=need, service="policy", given_on=DAY, given_by=daoli)
    assert Action.objects.count() == 1


def test_sec9_changing_an_action_into_funds_help_is_checked(daoli, bare, make_need):
    from django.core.exceptions import ValidationError

    from fuqing.assistance import pairings

    need = make_need(daoli, bare.org, woman=bare)
    action = pairings.record_action(daoli, need=need, service="policy", given_on=DAY, given_by=daoli)
    with pytest.raises(ValidationError) as exc:
        pairings.update_action(daoli, action, service="funds", amount=500)
    assert "她尚未同意" in exc.value.message_dict["service"][0]
    action.refresh_from_db()
    assert action.service == "policy"
