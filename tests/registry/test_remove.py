"""REG-5: closing a record, and removal on her request: personal fields anonymised at once, aggregate
counts kept, status removed, the reason logged."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from fuqing.core.models import AuditEvent
from fuqing.registry import privacy
from fuqing.registry.models import VulnerableGroup, Woman
from tests.registry.conftest import add_woman


def test_reg5_removal_anonymises_keeps_counts_and_logs_the_reason(tree, daoli, login_as):
    group = VulnerableGroup.objects.get(code="left-behind")
    woman = add_woman(
        daoli, tree.a1a, name="张秀丽", groups=[group], health_notes="高血压", health_consent=True
    )
    birth_year = woman.birth_year
    client = login_as(daoli)
    assert client.post(reverse("registry:remove", args=[woman.pk]), {"reason": ""}).status_code == 200
    response = client.post(reverse("registry:remove", args=[woman.pk]), {"reason": "本人书面申请删除"})
    assert response.status_code == 302
    woman = Woman.objects.get(pk=woman.pk)
    assert woman.status == "removed" and woman.anonymised_at is not None
    assert (woman.name, woman.id_number, woman.phone, woman.address, woman.health_notes) == (
        "（已匿名）",
        "",
        "",
        "",
        "",
    )
    assert woman.id_number_index == "" and woman.phone_index == "" and woman.birth_date is None
    assert woman.org == tree.a1a and list(woman.groups.all()) == [group] and woman.birth_year == birth_year
    assert Woman.objects.filter(org=tree.a1a).count() == 1  # still counted
    event = AuditEvent.objects.get(action="delete", object_id=str(woman.pk))
    assert event.details == {"reason": "本人书面申请删除", "anonymised": True}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number, phone FROM registry_woman")
        assert cursor.fetchone() == ("（已匿名）", "", "")


def test_reg5_a_removed_record_frees_the_number_and_cannot_be_changed(tree, daoli):
    woman = add_woman(daoli, tree.a1a)
    number = woman.id_number
    privacy.remove_woman(daoli, woman, "本人申请删除")
    again = add_woman(daoli, tree.a1a, id_number=number)  # she may come back
    assert again.pk != woman.pk
    with pytest.raises(ValidationError):
        privacy.remove_woman(daoli, woman, "再次删除试试")


def test_sec9_closing_and_reopening(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    assert client.post(reverse("registry:close", args=[woman.pk]), {"reason": ""}).status_code == 200
    client.post(reverse("registry:close", args=[woman.pk]), {"reason": "moved"})
    woman.refresh_from_db()
    assert woman.status == "inactive" and woman.closed_on is not None and woman.close_reason == "moved"
    client.post(reverse("registry:reopen", args=[woman.pk]))
    woman.refresh_from_db()
    assert woman.status == "active" and woman.closed_on is None
