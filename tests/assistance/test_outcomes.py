"""NEED-4: a need ends only as resolved, counselled (with the explanation) or escalated; reopening is
recorded; nothing is closed by someone outside its scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.assistance import services
from fuqing.assistance.models import NeedEvent, NeedStatus, Suggestion


@pytest.fixture
def need(daoli, tree, make_need):
    return make_need(daoli, tree.a1a, description="泥草房冬季漏风，申请危房改造", category="housing")


def _types(need):
    return list(NeedEvent.objects.filter(need=need).values_list("type", flat=True))


def test_need4_resolved(daoli, need):
    services.resolve_need(daoli, need, note="已纳入改造计划")
    need.refresh_from_db()
    assert need.status == NeedStatus.RESOLVED and need.closed_on is not None
    assert _types(need) == ["created", "resolved"]


def test_need4_counselled_needs_the_explanation_given(daoli, need):
    with pytest.raises(ValidationError) as exc:
        services.counsel_need(daoli, need, explanation="  ")
    assert "解释疏导须写明" in exc.value.message_dict["explanation"][0]
    services.counsel_need(daoli, need, explanation="今年指标已满，已说明政策并列入明年计划")
    need.refresh_from_db()
    assert need.status == NeedStatus.COUNSELLED and "列入明年计划" in need.outcome_note


def test_need4_escalation_creates_a_suggestion_or_joins_one(daoli, tree, need, make_need):
    suggestion = services.escalate_need(
        daoli, need, title="关于加快农村危房改造的建议", channel="info_report", recipient="government"
    )
    assert list(suggestion.needs.all()) == [need]
    other = make_need(daoli, tree.a1, description="危房改造补助标准低", category="housing")
    joined = services.escalate_need(daoli, other, suggestion=suggestion)
    assert joined == suggestion and suggestion.needs.count() == 2
    assert Suggestion.objects.count() == 1
    event = NeedEvent.objects.get(need=other, type="escalated")
    assert event.parameters["suggestion"] == str(suggestion.pk)


def test_need4_escalation_without_suggestion_or_title_is_refused(daoli, need):
    with pytest.raises(ValidationError) as exc:
        services.escalate_need(daoli, need)
    assert "请选择要并入的对策建议" in exc.value.message_dict["suggestion"][0]


def test_need4_a_closed_need_cannot_be_closed_again_but_can_be_reopened(daoli, need):
    services.resolve_need(daoli, need, note="已协调解决")
    with pytest.raises(ValidationError):
        services.counsel_need(daoli, need, explanation="再次解释说明情况")
    with pytest.raises(ValidationError) as exc:
        services.reopen_need(daoli, need, reason="")
    assert "重新办理的原因" in exc.value.message_dict["reason"][0]
    services.reopen_need(daoli, need, reason="当事人反映问题仍未解决")
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and need.closed_on is None
    assert _types(need) == ["created", "resolved", "reopened"]
    assert NeedEvent.objects.get(need=need, type="reopened").parameters["previous"] == "resolved"


def test_need4_the_outsider_cannot_close_and_the_reader_may_not(login_as, nangang, researcher, need):
    assert login_as(nangang).post(reverse("assistance:need-resolve", args=[need.pk])).status_code == 404
    assert login_as(researcher).post(reverse("assistance:need-resolve", args=[need.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.resolve_need(researcher, need)
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_need4_closing_from_the_page(login_as, daoli, need):
    client = login_as(daoli)
    response = client.post(reverse("assistance:need-counsel", args=[need.pk]), {"counsel-explanation": ""})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    client.post(
        reverse("assistance:need-counsel", args=[need.pk]), {"counsel-explanation": "已向当事人解释补助政策"}
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.COUNSELLED
    page = client.get(reverse("assistance:need-detail", args=[need.pk])).content.decode()
    assert "解释疏导" in page and "重新办理" in page


def test_need4_escalation_from_the_page_creates_the_suggestion(login_as, daoli, need):
    login_as(daoli).post(
        reverse("assistance:need-escalate", args=[need.pk]),
        {
            "escalate-title": "关于危房改造的建议",
            "escalate-channel": "joint_meeting",
            "escalate-recipient": "government",
        },
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.ESCALATED
    assert Suggestion.objects.get().channel == "joint_meeting"
