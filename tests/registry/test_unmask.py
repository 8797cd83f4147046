"""REG-3: a user with registry.unmask reveals ONE field of ONE woman with a stated reason; logged."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.core.models import AuditEvent
from fuqing.registry import privacy
from tests.registry.conftest import add_woman


def test_reg3_show_reason_value_writes_who_whom_field_and_reason(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    url = reverse("registry:unmask", args=[woman.pk])
    form = client.get(url, {"field": "id_number"}, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    assert woman.id_number not in form.content.decode()
    shown = client.post(url, {"field": "id_number", "reason": "入户核实身份"}, HTTP_HX_REQUEST="true")
    assert woman.id_number in shown.content.decode() and shown["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="unmask")
    assert event.actor == daoli and event.object_id == str(woman.pk) and event.org == tree.a1a
    assert event.details == {"field": "id_number", "reason": "入户核实身份"}
    assert woman.id_number not in str(event.details) and woman.id_number not in event.object_repr


def test_reg3_one_field_at_a_time(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a, phone="13912345678")
    body = (
        login_as(daoli)
        .post(reverse("registry:unmask", args=[woman.pk]), {"field": "phone", "reason": "电话回访"})
        .content.decode()
    )
    assert "13912345678" in body and woman.id_number not in body and woman.name not in body


def test_reg3_a_reason_is_required(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)
    response = login_as(daoli).post(
        reverse("registry:unmask", args=[woman.pk]),
        {"field": "id_number", "reason": "看"},
        HTTP_HX_REQUEST="true",
    )
    assert "请说明理由（至少 4 个字）" in response.content.decode()
    assert woman.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="unmask").exists()


def test_reg3_without_the_permission_nothing_is_revealed(tree, daoli, colleague, login_as):
    woman = add_woman(daoli, tree.a1a)
    response = login_as(colleague).post(
        reverse("registry:unmask", args=[woman.pk]), {"field": "id_number", "reason": "想看一下"}
    )
    assert response.status_code == 403 and woman.id_number not in response.content.decode()
    with pytest.raises(PermissionDenied):
        privacy.unmask(colleague, woman, "id_number", "想看一下")


def test_reg3_only_personal_fields_can_be_unmasked(tree, daoli):
    woman = add_woman(daoli, tree.a1a)
    with pytest.raises(ValidationError):
        privacy.unmask(daoli, woman, "id_number_index", "查看索引值")


def test_reg3_caseworkers_may_unmask_too(tree, daoli, caseworker):
    woman = add_woman(daoli, tree.a1a, health_notes="糖尿病", health_consent=True)
    assert privacy.unmask(caseworker, woman, "health_notes", "安排健康帮扶") == "糖尿病"


def test_reg3_out_of_scope_is_not_found(tree, daoli, nangang, login_as):
    woman = add_woman(nangang, tree.b1)
    response = login_as(daoli).post(
        reverse("registry:unmask", args=[woman.pk]), {"field": "name", "reason": "核实身份"}
    )
    assert response.status_code == 404
