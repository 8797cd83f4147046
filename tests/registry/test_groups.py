"""REG-2: the vulnerable-group dictionary — the seven groups of the notice, extended by a root system
administrator (SEC-5: not a business user, not a district administrator)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.core.models import AuditEvent
from fuqing.registry import dictionary
from fuqing.registry.models import VulnerableGroup


def test_reg2_the_seven_groups_of_the_notice_are_built_in(db):
    assert list(VulnerableGroup.objects.values_list("name", flat=True)) == [
        "失地妇女", "失业妇女", "留守妇女", "流动妇女", "特殊困难妇女", "单亲贫困母亲", "高龄空巢妇女",
    ]  # fmt: skip


def test_reg2_a_root_system_administrator_extends_the_dictionary(tree, sysadmin, login_as):
    client = login_as(sysadmin)
    response = client.post(
        reverse("registry:groups"), {"code": "disabled", "name": "残疾妇女", "sort": 80, "is_active": "on"}
    )
    assert response.status_code == 302
    group = VulnerableGroup.objects.get(code="disabled")
    assert group.name == "残疾妇女" and not group.is_builtin
    assert AuditEvent.objects.filter(action="create", object_type="registry.vulnerablegroup").exists()
    client.post(reverse("registry:group-edit", args=[group.pk]), {"name": "残疾妇女", "sort": 80})
    group.refresh_from_db()
    assert not group.is_active


def test_reg2_built_in_groups_keep_their_names(tree, sysadmin):
    group = VulnerableGroup.objects.get(code="landless")
    with pytest.raises(ValidationError, match="不能改名或停用"):
        dictionary.save_group(sysadmin, group, code=group.code, name="失地农民", sort=1)
    dictionary.save_group(sysadmin, group, code=group.code, name=group.name, sort=1)


def test_sec5_district_administrators_and_business_users_cannot_edit_it(
    tree, district_sysadmin, daoli, login_as
):
    with pytest.raises(PermissionDenied):
        dictionary.save_group(district_sysadmin, None, code="x", name="其他")
    with pytest.raises(PermissionDenied):
        dictionary.save_group(daoli, None, code="x", name="其他")
    page = login_as(daoli).get(reverse("registry:groups"))
    assert page.status_code == 200 and "新增群体" not in page.content.decode()
    assert login_as(daoli).post(reverse("registry:groups"), {"code": "x", "name": "其他"}).status_code == 403
    group = VulnerableGroup.objects.first()
    assert login_as(daoli).get(reverse("registry:group-edit", args=[group.pk])).status_code == 403


def test_reg2_names_and_codes_are_unique(tree, sysadmin):
    with pytest.raises(ValidationError, match="已有名为"):
        dictionary.save_group(sysadmin, None, code="again", name="失业妇女")
    with pytest.raises(ValidationError, match="已被使用"):
        dictionary.save_group(sysadmin, None, code="unemployed", name="失业女工")
