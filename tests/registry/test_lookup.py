"""SEC-8: search by ID number by POST through the blind index — the number never enters a URL."""

from django.urls import reverse

from fuqing.core.models import AuditEvent
from tests.registry.conftest import add_woman


def test_sec8_lookup_by_id_number_redirects_to_her_uuid(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    response = client.post(reverse("registry:lookup"), {"id_number": woman.id_number.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:detail", args=[woman.pk])
    assert woman.id_number not in response["Location"]


def test_sec8_lookup_is_post_only(tree, daoli, login_as):
    assert login_as(daoli).get(reverse("registry:lookup"), {"id_number": "x"}).status_code == 405


def test_reg4_lookup_outside_the_scope_says_so_without_revealing_her(tree, daoli, nangang, login_as):
    woman = add_woman(nangang, tree.b1)
    client = login_as(daoli)
    response = client.post(reverse("registry:lookup"), {"id_number": woman.id_number}, follow=True)
    body = response.content.decode()
    assert "已在您管理范围以外的单位登记" in body and woman.file_number not in body
    denied = AuditEvent.objects.get(action="denied")
    assert denied.details == {"reason": "lookup_out_of_scope"} and woman.id_number not in str(denied.details)


def test_sec8_lookup_of_an_unknown_or_invalid_number(tree, daoli, login_as):
    client = login_as(daoli)
    body = client.post(
        reverse("registry:lookup"), {"id_number": "230102198005170020"}, follow=True
    ).content.decode()
    assert "校验位不符" in body or "没有找到" in body
    from tests.registry.conftest import new_id

    body = client.post(reverse("registry:lookup"), {"id_number": new_id()}, follow=True).content.decode()
    assert "没有找到该身份证号的档案，可以登记" in body


def test_sec8_no_url_of_the_registry_carries_personal_data(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a, name="张秀丽")
    body = login_as(daoli).get(reverse("registry:list")).content.decode()
    import re

    for href in re.findall(r'href="([^"]+)"', body):
        assert "张秀丽" not in href and woman.id_number not in href and woman.phone not in href
