"""SEC-5 in research: administrator accounts (安全、审计、系统管理员) run the platform and take no part in
its work — never offered nor accepted as a 求实杯 judge or a topic's leader, in pages, services, imports."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.core.ledger import ImportContext, get_ledger, import_file
from fuqing.fieldwork import services as fieldwork_services
from fuqing.orgs import services as org_services
from fuqing.orgs.models import Position, ScopeGrant
from fuqing.research.models import Judge, Report, Topic
from fuqing.research.services import cup as cup_services
from fuqing.research.services import topics as topic_services
from tests.conftest import make_user
from tests.research.test_ledgers import _xlsx

YEAR = 2014


@pytest.fixture
def cup(tree, researcher):
    return cup_services.create_competition(
        researcher, org=tree.research, year=YEAR, name="“求实杯”调研成果评选"
    )


@pytest.fixture
def admins(tree, sysadmin, secadmin, auditor):
    """The three administrators of the city; the security administrator also holds a city-wide grant."""
    ScopeGrant.objects.create(user=secadmin, org=tree.city)
    return [sysadmin, secadmin, auditor]


def test_sec5_one_definition_of_administrators_is_shared_by_the_apps(admins, city_leader):
    assert fieldwork_services.administrators is org_services.administrators
    assert set(org_services.administrators()) == set(admins)
    assert [org_services.is_administrator_account(u) for u in [*admins, city_leader]] == [True] * 3 + [False]


def test_sec5_administrators_are_never_offered_as_judges(tree, cup, admins, city_leader):
    offered = set(cup_services.eligible_judges(cup))
    assert city_leader in offered
    assert not offered & set(admins)


def test_sec5_an_administrator_is_refused_as_a_judge_naming_the_field(cup, researcher, admins):
    for admin in admins:
        with pytest.raises(ValidationError) as caught:
            cup_services.add_judge(researcher, cup, admin)
        message = caught.value.message_dict["user"][0]
        assert "评委" in message and "管理员" in message and admin.display_name in message
    assert not Judge.objects.exists()


def test_sec5_the_organiser_page_neither_lists_nor_accepts_an_administrator(
    tree, cup, researcher, login_as, admins, city_leader
):
    client = login_as(researcher)
    page = client.get(reverse("research:cup-detail", args=[cup.pk])).content.decode()
    assert f'value="{city_leader.pk}"' in page
    for admin in admins:
        assert f'<option value="{admin.pk}"' not in page
        client.post(reverse("research:cup-judges", args=[cup.pk]), {"user": admin.pk})
    assert not Judge.objects.exists()


def test_sec5_an_administrator_named_a_judge_before_the_rule_cannot_score(
    tree, cup, researcher, new_report, daoli, admins
):
    entry = cup_services.add_entries(researcher, cup, [new_report(daoli, tree.a, status="submitted").pk])[0]
    Judge.objects.create(competition=cup, user=admins[1])  # written before the rule existed
    with pytest.raises(PermissionDenied):
        cup_services.score(admins[1], entry, {c.pk: 80 for c in cup.criteria.all()})


@pytest.fixture
def admin_chair(tree):
    """A district's security administrator whose account also says 主席 (a muddled account)."""
    return make_user(tree.a, "security-admin", username="a_secadmin", name="安全员", position=Position.CHAIR)


def test_sec5_an_administrator_never_leads_a_research_topic(tree, daoli, admin_chair, a_chair):
    assert admin_chair not in topic_services.eligible_leaders(tree.a)
    assert a_chair in topic_services.eligible_leaders(tree.a)
    with pytest.raises(ValidationError) as caught:
        topic_services.create_topic(daoli, org=tree.a, year=YEAR, title="课题", leader=admin_chair)
    message = caught.value.message_dict["leader"][0]
    assert "课题组组长" in message and "管理员" in message
    assert not Topic.objects.exists()


def test_sec5_the_topics_import_refuses_an_administrator_as_leader(tree, tmp_path, daoli, admin_chair):
    path = _xlsx(tmp_path, [[YEAR, "道里区妇联", "失地妇女就业调研", "安全员", "", ""]])
    summary = import_file(get_ledger("research_topics"), path, ImportContext(actor=daoli, org=tree.a))
    assert not Topic.objects.exists()
    assert [(e.row, e.column) for e in summary.errors] == [(2, "课题组组长")]
    assert "管理员" in summary.errors[0].message


def test_sec5_an_administrators_report_is_neither_offered_nor_entered_in_the_cup(
    tree, cup, researcher, new_report, daoli, admins
):
    """Participants too: a report an administrator wrote (written before the rule, or by an account
    given an administrator's role since) is not offered to the organiser and is refused if named."""
    theirs = new_report(daoli, tree.a, status="submitted")
    Report.objects.filter(pk=theirs.pk).update(created_by=admins[0])  # administrators cannot write one now
    ours = new_report(daoli, tree.a, status="submitted")
    offered = set(cup_services.candidate_reports(researcher, cup))
    assert ours in offered and theirs not in offered
    with pytest.raises(ValidationError) as caught:
        cup_services.add_entries(researcher, cup, [ours.pk, theirs.pk])
    message = caught.value.message_dict["reports"][0]
    assert "参评报告的作者" in message and admins[0].display_name in message
    assert not cup.entries.exists()
    assert [e.report for e in cup_services.add_entries(researcher, cup, [ours.pk])] == [ours]
