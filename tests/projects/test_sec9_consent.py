"""SEC-9 for project beneficiaries: help of a health project, or a health help kind such as a 两癌
screening, needs her consent to the health purpose; money paid to her needs her consent to the finance
purpose. Without it the record is refused with a Chinese
message, unless a user holding ``registry.approve`` gives the reason for an exception (recorded on her
history and in the audit log); after she withdrew, nothing health-related is accepted. Tried through each
path — form, API, ledger import — which all go through ``record_beneficiary``."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from fuqing.api.auth import TOKEN_PREFIX, digest
from fuqing.core.ledger import ImportContext, get_ledger, import_file, write_xlsx
from fuqing.core.models import AuditEvent
from fuqing.orgs.models import ApiToken
from fuqing.projects import services
from fuqing.projects.models import Beneficiary
from fuqing.registry import privacy
from fuqing.registry.models import WomanEvent
from tests.conftest import login
from tests.projects.conftest import make_woman

MAY = datetime.date(2014, 5, 12)
REASON = "筛查名额当日截止 本人已口头同意 事后补签"
PATHS = ["form", "api", "import"]


@pytest.fixture
def bare(tree):
    """A woman who has consented to nothing."""
    return make_woman(tree.a1a, "赵玉珍")


@pytest.fixture
def health(tree, campaign):
    return services.create_project(
        None, org=tree.city, campaign=campaign, name="妇女健康援助", help_kinds=["两癌筛查", "健康讲座"]
    )


@pytest.fixture
def livelihood(tree, campaign):
    """A project whose name says nothing of health; its 两癌筛查 help kind still does."""
    return services.create_project(
        None, org=tree.city, campaign=campaign, name="民生实事", help_kinds=["两癌筛查", "生活救助"]
    )


def _token(user) -> str:
    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return raw


def _send(path, client, tmp_path, user, project, woman, kind, org, reason="", amount=""):
    """Record one beneficiary through ``path``; returns (created, the text the user reads)."""
    before = Beneficiary.objects.count()
    if path == "form":
        client.logout()
        login(client, user)
        data = {
            "project": project.pk,
            "woman": str(woman.pk),
            "org": org.pk,
            "received_on": MAY.isoformat(),
            "help_kind": kind,
            "amount": amount,
            "consent_exception": reason,
        }
        response = client.post(reverse("projects:beneficiary-add"), data)
        text = response.content.decode() if response.status_code == 200 else ""
    elif path == "api":
        body = {
            "project": project.pk,
            "woman": str(woman.pk),
            "org": org.pk,
            "received_on": MAY.isoformat(),
            "help_kind": kind,
            "consent_exception": reason,
            **({"amount": amount} if amount else {}),
        }
        response = client.post(
            "/api/v1/beneficiaries/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {_token(user)}",
        )
        text = json.dumps(response.json(), ensure_ascii=False) if response.status_code != 201 else ""
    else:
        name = str(tmp_path / f"b-{uuid.uuid4().hex[:6]}.xlsx")
        headers = [
            "年度",
            "项目",
            "帮扶类别",
            "姓名",
            "档案编号",
            "受助日期",
            "帮扶单位",
            "金额",
            "同意例外原因",
        ]
        row = [2014, project.name, kind, woman.name, str(woman.pk), MAY.isoformat(), org.name, amount, reason]
        write_xlsx(name, "sheet", headers, [row], [12] * len(headers))
        summary = import_file(get_ledger("beneficiaries"), name, ImportContext(actor=user, org=org))
        text = " ".join(f"{e.column}：{e.message}" for e in summary.errors)
    return Beneficiary.objects.count() > before, text


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("project_name", "kind"), [("health", "健康讲座"), ("livelihood", "两癌筛查")])
def test_sec9_health_help_without_consent_is_refused(
    path, project_name, kind, request, client, tmp_path, tree, daoli, bare
):
    project = request.getfixturevalue(project_name)
    created, text = _send(path, client, tmp_path, daoli, project, bare, kind, tree.a1)
    assert not created and Beneficiary.objects.count() == 0
    assert "她尚未同意“健康信息”用途" in text and "同意例外原因" in text


@pytest.mark.parametrize("path", PATHS)
def test_sec9_help_outside_health_needs_no_consent(path, client, tmp_path, tree, daoli, bare, livelihood):
    created, text = _send(path, client, tmp_path, daoli, livelihood, bare, "生活救助", tree.a1)
    assert created, text


@pytest.mark.parametrize("path", PATHS)
def test_sec9_with_her_consent_the_screening_is_recorded(path, client, tmp_path, tree, daoli, bare, health):
    privacy.give_consent(daoli, bare, "health", given_on=datetime.date(2014, 4, 1))
    created, text = _send(path, client, tmp_path, daoli, health, bare, "两癌筛查", tree.a1)
    assert created, text
    assert not WomanEvent.objects.filter(kind="consent_exception").exists()


@pytest.mark.parametrize("path", PATHS)
def test_sec9_a_permitted_user_records_a_documented_exception(
    path, client, tmp_path, tree, daoli, colleague, bare, health
):
    created, text = _send(path, client, tmp_path, colleague, health, bare, "两癌筛查", tree.a1, REASON)
    assert not created and "只有具有妇女档案审核权限的人员才能登记同意例外" in text
    created, text = _send(path, client, tmp_path, daoli, health, bare, "两癌筛查", tree.a1, REASON)
    assert created, text
    record = Beneficiary.objects.get()
    event = WomanEvent.objects.get(woman=bare, kind="consent_exception")
    assert event.details == {
        "purpose": "health",
        "reason": REASON,
        "record": "projects.beneficiary",
        "id": str(record.pk),
    }
    assert AuditEvent.objects.filter(object_id=str(bare.pk), details__consent_exception="health").count() == 1


@pytest.mark.parametrize("path", PATHS)
def test_sec9_nothing_health_related_after_she_withdrew(path, client, tmp_path, tree, daoli, bare, health):
    consent = privacy.give_consent(daoli, bare, "health", given_on=datetime.date(2014, 4, 1))
    privacy.withdraw_consent(daoli, consent, withdrawn_on=datetime.date(2014, 4, 20))
    created, text = _send(path, client, tmp_path, daoli, health, bare, "两癌筛查", tree.a1, REASON)
    assert not created and "撤回" in text, text
    assert Beneficiary.objects.count() == 0


@pytest.mark.parametrize("path", PATHS)
def test_sec9_money_without_finance_consent_is_refused(path, client, tmp_path, tree, daoli, bare, livelihood):
    created, text = _send(path, client, tmp_path, daoli, livelihood, bare, "生活救助", tree.a1, amount="800")
    assert not created and Beneficiary.objects.count() == 0
    assert "她尚未同意“财产与资金帮扶信息”用途" in text, text
    privacy.give_consent(daoli, bare, "finance", given_on=datetime.date(2014, 4, 1))
    created, text = _send(path, client, tmp_path, daoli, livelihood, bare, "生活救助", tree.a1, amount="800")
    assert created, text


@pytest.mark.parametrize("path", PATHS)
def test_sec9_money_for_health_help_needs_both_consents(path, client, tmp_path, tree, daoli, bare, health):
    privacy.give_consent(daoli, bare, "health", given_on=datetime.date(2014, 4, 1))
    created, text = _send(path, client, tmp_path, daoli, health, bare, "两癌筛查", tree.a1, amount="300")
    assert not created and "财产与资金帮扶信息" in text, text
    created, text = _send(
        path, client, tmp_path, daoli, health, bare, "两癌筛查", tree.a1, REASON, amount="300"
    )
    assert created, text
    event = WomanEvent.objects.get(woman=bare, kind="consent_exception")
    assert event.details["purpose"] == "finance"
