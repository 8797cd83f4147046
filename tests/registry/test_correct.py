"""REG-5: correcting a record. Masked fields stay empty in the form (typing replaces, blank keeps);
the history names the fields that changed, never their values."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fuqing.core.models import AuditEvent
from fuqing.registry import services
from fuqing.registry.models import WomanEvent
from tests.registry.conftest import add_woman, new_id


def _form(woman, **overrides):
    data = {
        "org": woman.org_id,
        "address": woman.address,
        "household_notes": woman.household_notes,
        "registered_on": woman.registered_on.isoformat(),
        "reason": "",
    }
    data.update(overrides)
    return data


def test_reg5_blank_masked_fields_keep_their_values(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a, name="张秀丽", phone="13812345678")
    client = login_as(daoli)
    page = client.get(reverse("registry:edit", args=[woman.pk])).content.decode()
    assert "张秀丽" not in page and "13812345678" not in page and woman.id_number not in page
    response = client.post(reverse("registry:edit", args=[woman.pk]), _form(woman, address="安静街 3 号"))
    assert response.status_code == 302
    woman.refresh_from_db()
    assert woman.name == "张秀丽" and woman.phone == "13812345678" and woman.address == "安静街 3 号"


def test_reg5_a_correction_replaces_the_value_and_logs_only_field_names(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    client.post(
        reverse("registry:edit", args=[woman.pk]),
        _form(woman, phone="0451-86661234", reason="应本人要求更正"),
    )
    woman.refresh_from_db()
    assert woman.phone == "0451-86661234" and woman.masked_phone == "0451-****1234"
    event = WomanEvent.objects.get(woman=woman, kind="corrected")
    assert event.details == {"fields": ["phone"], "reason": "应本人要求更正"}
    audit = AuditEvent.objects.get(action="update", object_id=str(woman.pk))
    assert "86661234" not in str(audit.details)


def test_reg5_correcting_the_id_number_rederives_the_birth_date_and_checks_duplicates(tree, daoli):
    import datetime

    woman = add_woman(daoli, tree.a1a)
    other = add_woman(daoli, tree.a1a)
    number = new_id(birth=datetime.date(1966, 6, 6))
    services.update_woman(daoli, woman, id_number=number)
    woman.refresh_from_db()
    assert woman.birth_date.year == 1966 and woman.id_number_masked == number[:6] + "********" + number[-4:]
    with pytest.raises(services.DuplicateIdNumber):
        services.update_woman(daoli, woman, id_number=other.id_number)


def test_reg5_a_read_only_scope_cannot_correct(tree, daoli, researcher):
    woman = add_woman(daoli, tree.a1a)
    with pytest.raises(PermissionDenied):
        services.update_woman(researcher, woman, address="x")


def test_reg5_moving_her_to_another_unit_stays_in_the_edit_scope(tree, daoli):
    from django.core.exceptions import ValidationError

    woman = add_woman(daoli, tree.a1a)
    services.update_woman(daoli, woman, org=tree.a1)
    assert woman.org == tree.a1
    with pytest.raises(ValidationError, match="不在您的管理范围内"):
        services.update_woman(daoli, woman, org=tree.b1)


def test_sec9_health_consent_given_on_the_correction_form_stands_only_with_the_change(tree, daoli, login_as):
    from fuqing.registry.models import Consent

    woman = add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    url = reverse("registry:edit", args=[woman.pk])
    failed = client.post(url, _form(woman, health_notes="高血压", health_consent="on", phone="12"))
    assert failed.status_code == 200 and not Consent.objects.exists()
    client.post(url, _form(woman, health_notes="高血压", health_consent="on", notice_version="2014-1"))
    woman.refresh_from_db()
    assert woman.health_notes == "高血压" and Consent.objects.get().purpose == "health"
