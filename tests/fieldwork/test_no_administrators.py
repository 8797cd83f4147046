"""SEC-5: administrator accounts are never offered nor accepted as visit participants or leaders."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.fieldwork import services
from fuqing.fieldwork.forms import member_queryset
from tests.conftest import make_user
from tests.fieldwork.conftest import record

DAY = datetime.date(2014, 4, 15)


@pytest.fixture
def admins(tree):
    return [
        make_user(tree.a, "security-admin", username="a_secadmin"),
        make_user(tree.a, "system-admin", username="a_sysadmin"),
    ]


def test_administrators_are_not_offered_on_the_visit_form(tree, daoli, colleague, admins, login_as):
    offered = set(member_queryset(daoli, tree.a))
    assert colleague in offered and not offered & set(admins)
    page = login_as(daoli).get(reverse("fieldwork:visit-add")).content.decode()
    assert colleague.display_name in page
    for admin in admins:
        assert admin.display_name not in page


def test_the_service_refuses_an_administrator_naming_the_field(tree, daoli, admins):
    with pytest.raises(ValidationError) as lead_error:
        record(daoli, start=DAY, place=tree.a1a, lead=admins[0])
    assert "管理员账号" in " ".join(lead_error.value.message_dict["lead"])
    with pytest.raises(ValidationError) as member_error:
        record(daoli, start=DAY, place=tree.a1a, members=[admins[1]])
    assert "参加人员不能是管理员账号" in " ".join(member_error.value.message_dict["members"])
    assert not set(services.allowed_members(daoli)) & set(admins)


def test_an_administrator_cannot_be_a_contact_points_leader(tree, daoli):
    admin = make_user(tree.a, "system-admin", username="a_sysadmin2", position="vice_chair_full")
    with pytest.raises(ValidationError) as error:
        services.save_contact_point(
            daoli, None, services.ContactPointData(org=tree.a, place=tree.a1a, since_year=2014, keeper=admin)
        )
    assert "管理员账号" in " ".join(error.value.message_dict["keeper"])
