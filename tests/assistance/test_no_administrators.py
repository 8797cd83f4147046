"""SEC-5 in assistance: administrator accounts (安全、审计、系统管理员) are never offered nor accepted as a
need's handler (承办人) or a pair's helpers (帮扶干部) — the shared ``orgs.services.administrators()``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fuqing.assistance import pairings, services
from fuqing.assistance.forms import NeedForm, PairingForm
from fuqing.assistance.models import Need, Pairing
from tests.assistance.conftest import DAY


def test_sec5_administrators_are_not_offered_as_handlers_or_helpers(tree, daoli, district_sysadmin, sysadmin):
    admins = {district_sysadmin.pk, sysadmin.pk}
    assert daoli.pk in set(services.users_seeing(tree.a1).values_list("pk", flat=True))
    assert not admins & set(services.users_seeing(tree.a1).values_list("pk", flat=True))
    for form, field in ((NeedForm(user=daoli), "handler"), (PairingForm(user=daoli), "helper_users")):
        offered = set(form.fields[field].queryset.values_list("pk", flat=True))
        assert daoli.pk in offered and not admins & offered
    for form, field in (
        (NeedForm(user=daoli, org=tree.a), "handler"),
        (PairingForm(user=daoli, org=tree.a), "helper_users"),
    ):
        assert not admins & set(form.fields[field].queryset.values_list("pk", flat=True))


def test_sec5_an_administrator_is_refused_as_handler_naming_the_field(
    tree, daoli, district_sysadmin, make_need
):
    with pytest.raises(ValidationError) as caught:
        make_need(daoli, tree.a, handler=district_sysadmin)
    assert "承办人" in caught.value.message_dict["handler"][0]
    assert "管理员" in caught.value.message_dict["handler"][0]
    assert not Need.objects.exists()


def test_sec5_an_administrator_is_refused_as_a_helper_naming_the_field(tree, daoli, district_sysadmin):
    with pytest.raises(ValidationError) as caught:
        pairings.create_pairing(
            daoli,
            org=tree.a,
            kind="one_to_one",
            household="王家",
            starts_on=DAY,
            helper_users=[district_sysadmin],
        )
    message = caught.value.message_dict["helpers"][0]
    assert "帮扶干部" in message and "管理员" in message and district_sysadmin.display_name in message
    assert not Pairing.objects.exists()
