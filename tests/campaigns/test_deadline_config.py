"""CAM-2: deadlines and who owes them are configured per campaign (kinds and/or named units), and the
obligation rows follow the configuration."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fuqing.campaigns import services
from fuqing.campaigns.errors import codes
from fuqing.campaigns.models import Deadline, DeadlineKind, Obligation
from fuqing.core.models import AuditEvent
from fuqing.orgs.models import OrgKind
from tests.campaigns.conftest import at, docx, obligation


def owing(deadline) -> set[str]:
    return set(deadline.obligations.filter(is_owed=True).values_list("org__name", flat=True))


def test_cam2_default_calendar_owed_by_districts_and_departments(tree, campaign, survey, annual):
    assert owing(survey) == {"道里区妇联", "南岗区妇联", "研究室"}
    assert owing(annual) == {"道里区妇联", "南岗区妇联", "研究室"}
    assert owing(campaign.deadlines.get(code="province-recommendation")) == {"哈尔滨市妇联"}
    assert survey.kind == DeadlineKind.SURVEY_SUMMARY and annual.kind == DeadlineKind.ANNUAL_SUMMARY
    # the unrelated city's units never owe this campaign
    assert not Obligation.objects.filter(org=tree.other).exists()


def test_cam2_owed_by_kind_and_named_units(tree, campaign, survey, sysadmin):
    services.save_deadline(sysadmin, survey, owed_by_kinds=[OrgKind.TOWNSHIP], owed_by_orgs=[tree.a])
    assert owing(survey) == {"新阳路街道", "花园街道", "道里区妇联"}


def test_cam2_named_units_only(tree, campaign, survey, sysadmin):
    services.save_deadline(sysadmin, survey, owed_by_kinds=[], owed_by_orgs=[tree.a1a])
    assert owing(survey) == {"友谊社区"}


def test_cam2_unit_dropped_without_submission_loses_its_row_but_one_that_submitted_keeps_history(
    tree, campaign, survey, sysadmin
):
    from fuqing.campaigns.submissions import submit_document

    submit_document(None, obligation(survey, tree.b), docx(), at=at("2014-05-08"))
    services.save_deadline(sysadmin, survey, owed_by_kinds=[OrgKind.DEPARTMENT], owed_by_orgs=[])
    assert owing(survey) == {"研究室"}
    assert not Obligation.objects.filter(deadline=survey, org=tree.a).exists()
    kept = obligation(survey, tree.b)
    assert kept.is_owed is False and kept.submissions.count() == 1
    services.save_deadline(sysadmin, survey, owed_by_kinds=[OrgKind.DISTRICT], owed_by_orgs=[])
    assert obligation(survey, tree.b).is_owed is True


def test_cam2_sync_is_idempotent_and_picks_up_new_units(tree, campaign, survey):
    from fuqing.orgs.services import add_org

    assert services.sync_obligations(survey) == {"created": 0, "reopened": 0, "removed": 0, "kept": 0}
    add_org(None, parent=tree.city, name="道外区妇联", kind=OrgKind.DISTRICT)
    assert services.sync_open_deadlines(datetime.date(2014, 5, 1)) == 3
    assert "道外区妇联" in owing(survey)


def test_cam2_configuration_needs_someone_to_owe(campaign, survey, sysadmin):
    with pytest.raises(ValidationError) as caught:
        services.save_deadline(sysadmin, survey, owed_by_kinds=[], owed_by_orgs=[])
    assert "请选择报送单位类型，或指定具体报送单位" in caught.value.message_dict["owed_by_kinds"][0]
    assert codes(caught.value) == {"owed_by_kinds": ["CAM-2"]}
    assert owing(survey)  # nothing changed


def test_cam2_named_unit_outside_the_campaign_is_refused(tree, campaign, survey, sysadmin):
    with pytest.raises(ValidationError) as caught:
        services.save_deadline(sysadmin, survey, owed_by_orgs=[tree.other])
    assert "齐齐哈尔市妇联" in caught.value.message_dict["owed_by_orgs"][0]


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"due_on": datetime.date(2015, 5, 10)}, "due_on", "截止日期应在活动年度（2014年）内"),
        ({"remind_days_before": 120}, "remind_days_before", "0 至 90"),
        ({"owed_by_kinds": ["galaxy"]}, "owed_by_kinds", "未知的单位类型"),
        ({"code": "annual-summary"}, "code", "已有代码"),
        ({"kind": "poem"}, "kind", "报送内容应为"),
    ],
)
def test_cam2_deadline_rules_name_the_field(campaign, survey, sysadmin, fields, field, text):
    with pytest.raises(ValidationError) as caught:
        services.save_deadline(sysadmin, survey, **fields)
    assert text in caught.value.message_dict[field][0]


def test_cam2_kind_cannot_switch_to_plan_after_submissions(tree, campaign, survey, sysadmin):
    from fuqing.campaigns.submissions import submit_document

    submit_document(None, obligation(survey, tree.a), docx(), at=at("2014-05-08"))
    with pytest.raises(ValidationError) as caught:
        services.save_deadline(sysadmin, survey, kind=DeadlineKind.PLAN)
    assert "不能在“实施方案”和文件材料之间更改" in caught.value.message_dict["kind"][0]


def test_cam2_only_system_administrators_configure_deadlines(campaign, survey, daoli):
    with pytest.raises(PermissionDenied):
        services.save_deadline(daoli, survey, remind_days_before=3)


def test_cam2_resolve_units_by_name_code_or_both(tree, campaign, sysadmin):
    units = services.resolve_units(campaign, "道里区妇联\n230103、花园街道（230103001）", sysadmin)
    assert [u.name for u in units] == ["道里区妇联", "南岗区妇联", "花园街道"]


def test_cam2_resolve_units_follows_the_ledger_kits_one_rule(tree, campaign, sysadmin):
    """Issue 11 point 2: the box reads units by the rule every ledger import reads them by — a path of
    names, a full name without its trailing 妇联 — through core.ledger_kit.UnitResolver."""
    from fuqing.orgs.services import add_org

    add_org(None, parent=tree.b1, name="友谊社区", kind=OrgKind.COMMUNITY)  # a second 友谊社区
    units = services.resolve_units(campaign, "道里区/新阳路街道/友谊社区、南岗区", sysadmin)
    assert units == [tree.a1a, tree.b]
    with pytest.raises(ValidationError) as caught:
        services.resolve_units(campaign, "友谊社区", sysadmin)
    message = caught.value.message_dict["owed_by_orgs"][0]
    assert "“友谊社区”不止一个" in message and "新阳路街道/友谊社区" in message


def test_cam2_resolve_units_refuses_unknown_and_foreign_names(tree, campaign, sysadmin):
    with pytest.raises(ValidationError) as caught:
        services.resolve_units(campaign, "道里区妇联、火星妇联、齐齐哈尔市妇联、230200", sysadmin)
    message = caught.value.message_dict["owed_by_orgs"][0]
    # the other city's unit, by name or by code, is "not found" like a unit that does not exist
    for named in ("火星妇联", "齐齐哈尔市妇联", "230200"):
        assert f"在“哈尔滨市妇联”之下找不到“{named}”" in message
    assert message.count("行政区划代码") == 1  # the rule, stated once


def test_cam2_resolve_units_outside_the_actors_scope_is_not_found(tree, campaign, daoli):
    units = services.resolve_units(campaign, "新阳路街道", daoli)
    assert units == [tree.a1]
    with pytest.raises(ValidationError) as caught:
        services.resolve_units(campaign, "花园街道", daoli)
    assert "在“哈尔滨市妇联”之下找不到“花园街道”" in caught.value.message_dict["owed_by_orgs"][0]


def test_cam2_deadline_form_configures_kinds_and_named_units(tree, campaign, survey, sysadmin, login_as):
    client = login_as(sysadmin)
    url = f"/campaigns/deadlines/{survey.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and "另行指定的报送单位" in page.content.decode()
    response = client.post(
        url,
        {
            "code": "survey-summary",
            "name": "调研月活动总结",
            "due_on": "2014-05-10",
            "kind": "survey_summary",
            "owed_by_kinds": ["department"],
            "owed_by_orgs": "新阳路街道\n230103",
            "remind_days_before": "5",
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.remind_days_before == 5
    assert owing(survey) == {"研究室", "新阳路街道", "南岗区妇联"}
    event = AuditEvent.objects.filter(object_type="campaigns.deadline", action="update").first()
    assert event.details["obligations"]["created"] == 1


def test_cam2_deadline_form_shows_the_unknown_unit_beside_the_field(campaign, survey, sysadmin, login_as):
    client = login_as(sysadmin)
    response = client.post(
        f"/campaigns/deadlines/{survey.pk}/edit/",
        {
            "code": "survey-summary",
            "name": "调研月活动总结",
            "due_on": "2014-05-10",
            "kind": "survey_summary",
            "owed_by_orgs": "火星妇联",
            "remind_days_before": "7",
        },
    )
    assert response.status_code == 200
    assert "另行指定的报送单位：在“哈尔滨市妇联”之下找不到“火星妇联”" in response.content.decode()


def test_cam2_new_deadline_from_the_form_creates_its_obligations(tree, campaign, sysadmin, login_as):
    client = login_as(sysadmin)
    response = client.post(
        f"/campaigns/{campaign.pk}/deadlines/add/",
        {
            "code": "plan",
            "name": "实施方案",
            "due_on": "2014-04-15",
            "kind": "plan",
            "owed_by_kinds": ["district"],
            "remind_days_before": "3",
        },
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get(campaign=campaign, code="plan")
    assert owing(deadline) == {"道里区妇联", "南岗区妇联"}


def test_cam1_next_year_copies_the_owed_by_configuration(tree, campaign, survey, sysadmin):
    services.save_deadline(sysadmin, survey, owed_by_kinds=[], owed_by_orgs=[tree.a1])
    new = services.copy_to_next_year(sysadmin, campaign)
    copied = new.deadlines.get(code="survey-summary")
    assert copied.kind == DeadlineKind.SURVEY_SUMMARY
    assert list(copied.owed_by_orgs.all()) == [tree.a1]
    assert owing(copied) == {"新阳路街道"}
    assert copied.due_on == datetime.date(2015, 5, 10)
