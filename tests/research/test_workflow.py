"""RES-3: reports move draft → submitted → reviewed → recommended by role, with comments; a submitted
report changes only after it is sent back; every step is an event row."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.core.models import AuditEvent
from fuqing.research.models import Report, ReportStatus
from fuqing.research.services import reports as services
from tests.conftest import make_user
from tests.research.conftest import SECTIONS


def test_res3_the_units_cadres_submit(tree, new_report, daoli, colleague):
    report = new_report(daoli, tree.a)
    report = services.transition(colleague, report, "submit")
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at


def test_res3_others_cannot_submit_a_units_report(tree, new_report, daoli, city_leader, researcher, a_chair):
    report = new_report(a_chair, tree.a1)  # a township's report, written by the district for it
    for outsider in (daoli, city_leader, researcher):
        with pytest.raises(PermissionDenied):
            services.transition(outsider, report, "submit")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_res3_parent_leaders_or_the_research_office_review(tree, new_report, daoli, city_leader, researcher):
    first = new_report(daoli, tree.a, status="submitted")
    assert services.transition(city_leader, first, "review").status == ReportStatus.REVIEWED
    second = new_report(daoli, tree.a, status="submitted", title="第二篇")
    assert services.transition(researcher, second, "review").status == ReportStatus.REVIEWED


def test_res3_the_unit_itself_and_siblings_cannot_review(
    tree, new_report, daoli, colleague, nangang, b_chair
):
    report = new_report(daoli, tree.a, status="submitted")
    for user in (daoli, colleague, nangang, b_chair):
        with pytest.raises(PermissionDenied):
            services.transition(user, report, "review")


def test_res3_a_district_chair_reviews_her_townships_reports(tree, new_report, a_chair, city_leader):
    township_cadre = make_user(tree.a1, "cadre")
    report = new_report(township_cadre, tree.a1, status="submitted")
    with pytest.raises(PermissionDenied):
        services.transition(city_leader, report, "review")  # the city is not the township's parent
    assert services.transition(a_chair, report, "review").status == ReportStatus.REVIEWED


def test_res3_only_the_research_office_recommends(tree, new_report, daoli, city_leader, researcher):
    report = new_report(daoli, tree.a, status="reviewed", reviewer=city_leader)
    with pytest.raises(PermissionDenied):
        services.transition(city_leader, report, "recommend")
    report = services.transition(researcher, report, "recommend")
    assert report.status == ReportStatus.RECOMMENDED and report.recommended_at


def test_res3_steps_follow_the_order(tree, new_report, daoli, researcher):
    report = new_report(daoli, tree.a)
    with pytest.raises(ValidationError):
        services.transition(researcher, report, "review")  # a draft is not reviewed
    with pytest.raises(ValidationError):
        services.transition(researcher, report, "recommend")


def test_res3_a_submitted_report_cannot_be_changed(tree, new_report, daoli):
    report = new_report(daoli, tree.a, status="submitted")
    with pytest.raises(ValidationError) as caught:
        services.update_report(daoli, report, title="改过的标题", **SECTIONS)
    assert "退回" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        services.set_evidence(daoli, report, visits=[])
    assert Report.objects.get(pk=report.pk).title == "关于失地妇女就业情况的调研报告"


def test_res3_a_submitted_report_is_not_changed_through_the_page(tree, new_report, login_as, daoli):
    report = new_report(daoli, tree.a, status="submitted")
    client = login_as(daoli)
    response = client.post(
        reverse("research:report-edit", args=[report.pk]), {"year": 2014, "title": "改", **SECTIONS}
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).title == "关于失地妇女就业情况的调研报告"


def test_res3_sending_back_needs_a_comment_and_reopens_the_draft(tree, new_report, daoli, city_leader):
    report = new_report(daoli, tree.a, status="submitted")
    with pytest.raises(ValidationError) as caught:
        services.transition(city_leader, report, "return", "  ")
    assert "comment" in caught.value.message_dict
    report = services.transition(city_leader, report, "return", "请补充典型案例。")
    assert report.status == ReportStatus.DRAFT
    report = services.update_report(daoli, report, title="改过的标题", **SECTIONS)
    assert report.title == "改过的标题"


def test_res3_the_unit_may_withdraw_before_review(tree, new_report, daoli, city_leader):
    report = new_report(daoli, tree.a, status="submitted")
    assert services.transition(daoli, report, "withdraw").status == ReportStatus.DRAFT
    reviewed = new_report(daoli, tree.a, status="reviewed", reviewer=city_leader, title="已审核")
    with pytest.raises(ValidationError):
        services.transition(daoli, reviewed, "withdraw")


def test_res3_history_is_kept_as_event_rows_and_audited(tree, new_report, daoli, city_leader, researcher):
    report = new_report(daoli, tree.a, status="submitted")
    services.transition(city_leader, report, "return", "数据不全")
    services.transition(daoli, report, "submit")
    services.add_comment(researcher, report, "已阅，待审。")
    services.transition(researcher, report, "review", "同意")
    events = list(report.events.values_list("kind", "actor_name", "from_status", "to_status", "comment"))
    assert events == [
        ("created", "daoli", "", "draft", ""),
        ("submitted", "daoli", "draft", "submitted", ""),
        ("returned", "city", "submitted", "draft", "数据不全"),
        ("submitted", "daoli", "draft", "submitted", ""),
        ("commented", "research", "", "", "已阅，待审。"),
        ("reviewed", "research", "submitted", "reviewed", "同意"),
    ]
    actions = [
        e.details.get("action")
        for e in AuditEvent.objects.filter(object_type="research.report").order_by("seq")
    ]
    assert actions == [None, "submit", "return", "submit", "comment", "review"]


def test_res3_buttons_show_the_steps_open_to_each_role(
    tree, new_report, login_as, daoli, city_leader, researcher
):
    report = new_report(daoli, tree.a, status="submitted")
    as_unit = login_as(daoli).get(reverse("research:report-detail", args=[report.pk])).content.decode()
    assert 'value="withdraw"' in as_unit and 'value="review"' not in as_unit
    as_city = login_as(city_leader).get(reverse("research:report-detail", args=[report.pk])).content.decode()
    assert 'value="review"' in as_city and 'value="return"' in as_city and 'value="recommend"' not in as_city


def test_res3_steps_through_the_page_with_comments(tree, new_report, login_as, daoli, researcher):
    report = new_report(daoli, tree.a)
    login_as(daoli).post(reverse("research:report-action", args=[report.pk]), {"action": "submit"})
    client = login_as(researcher)
    client.post(
        reverse("research:report-action", args=[report.pk]), {"action": "review", "comment": "同意报送"}
    )
    client.post(reverse("research:report-action", args=[report.pk]), {"action": "recommend"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RECOMMENDED
    assert report.events.get(kind="reviewed").comment == "同意报送"
    body = client.get(reverse("research:report-detail", args=[report.pk])).content.decode()
    assert "同意报送" in body and "推荐到省妇联" in body


def test_res3_a_step_refused_by_role_answers_403(tree, new_report, login_as, daoli, colleague):
    report = new_report(daoli, tree.a, status="submitted")
    response = login_as(colleague).post(
        reverse("research:report-action", args=[report.pk]), {"action": "review"}
    )
    assert response.status_code == 403
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_res3_home_panel_lists_reports_awaiting_review(
    tree, new_report, login_as, daoli, researcher, colleague
):
    new_report(daoli, tree.a, status="submitted", title="待审核的报告")
    body = login_as(researcher).get(reverse("home")).content.decode()
    assert 'data-panel="research-review"' in body and "待审核的报告" in body
    assert 'data-panel="research-review"' not in login_as(colleague).get(reverse("home")).content.decode()
