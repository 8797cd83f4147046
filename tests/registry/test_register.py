"""REG-1 / REG-4: registering a woman on the phone-sized form, through the one service."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from fuqing.core.models import AuditEvent
from fuqing.registry import services
from fuqing.registry.models import Consent, VulnerableGroup, Woman
from tests.registry.conftest import add_woman, new_id


def _post(tree, **overrides):
    data = {
        "name": "王 淑 珍",
        "id_number": new_id(),
        "phone": "138 1234 5678",
        "org": tree.a1a.pk,
        "address": "友谊路 8 号",
        "groups": [
            VulnerableGroup.objects.get(code="left-behind").pk,
            VulnerableGroup.objects.get(code="unemployed").pk,
        ],
        "household_notes": "丈夫外出务工",
        "registered_on": "2014-04-15",
    }
    data.update(overrides)
    return data


def test_reg1_the_form_registers_a_woman_with_derived_birth_date_and_groups(tree, daoli, login_as):
    client = login_as(daoli)
    assert client.get(reverse("registry:add")).status_code == 200
    data = _post(tree)
    response = client.post(reverse("registry:add"), data)
    woman = Woman.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:detail", args=[woman.pk])
    assert woman.name == "王淑珍" and woman.phone == "13812345678" and woman.org == tree.a1a
    expected = datetime.date(
        int(data["id_number"][6:10]), int(data["id_number"][10:12]), int(data["id_number"][12:14])
    )
    assert woman.birth_date == expected and woman.birth_year == expected.year
    assert {g.code for g in woman.groups.all()} == {"left-behind", "unemployed"}
    assert woman.source == "form" and woman.created_by == daoli
    assert AuditEvent.objects.get(action="create", object_id=str(woman.pk)).details == {
        "groups": ["left-behind", "unemployed"],  # sorted codes, no personal data
        "source": "form",
    }
    detail = client.get(response["Location"])
    assert [(e.title, e.detail, e.actor) for e in detail.context["timeline"]] == [
        ("登记", "网页登记", daoli.name)
    ]


def test_reg3_id_phone_and_health_are_encrypted_at_rest_and_indexed_blind(tree, daoli):
    woman = add_woman(daoli, tree.a1a, health_notes="高血压", health_consent=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, health_notes, id_number_index FROM registry_woman")
        stored = cursor.fetchone()
    assert woman.id_number not in stored[0] and stored[0].startswith("gAAAA")
    assert "13812345678" not in stored[1] and "高血压" not in stored[2]
    assert len(stored[3]) == 64 and woman.id_number not in stored[3]
    assert Woman.objects.get(pk=woman.pk).health_notes == "高血压"


def test_reg1_a_mans_number_is_a_warning_the_user_confirms(tree, daoli, login_as):
    client = login_as(daoli)
    data = _post(tree, id_number=new_id(female=False))
    response = client.post(reverse("registry:add"), data)
    assert response.status_code == 200 and not Woman.objects.exists()
    body = response.content.decode()
    assert "表示男性" in body and 'name="confirm_male"' in body
    response = client.post(reverse("registry:add"), {**data, "confirm_male": "on"})
    assert response.status_code == 302 and Woman.objects.count() == 1


def test_reg1_errors_are_chinese_beside_their_fields_and_nothing_typed_is_lost(tree, daoli, login_as):
    client = login_as(daoli)
    data = _post(tree, id_number="230102198005170021", phone="12345", address="友谊路 99 号")
    response = client.post(reverse("registry:add"), data)
    body = response.content.decode()
    assert response.status_code == 200 and not Woman.objects.exists()
    assert "身份证号：身份证号校验位不符（GB 11643），请核对是否抄错。" in body
    assert "联系电话：联系电话应为 11 位手机号" in body
    assert 'value="友谊路 99 号"' in body and "丈夫外出务工" in body and 'value="王 淑 珍"' in body


def test_reg1_the_unit_must_be_in_the_users_edit_scope(tree, daoli, nangang):
    with pytest.raises(ValidationError) as exc:
        add_woman(daoli, tree.b1)
    assert "不在您的管理范围内" in str(exc.value)
    with pytest.raises(ValidationError):
        add_woman(daoli, tree.research)  # a department is no federation


def test_reg1_a_cadre_without_edit_permission_cannot_register(tree, researcher):
    with pytest.raises(PermissionDenied):
        add_woman(researcher, tree.a1a)


def test_reg4_the_same_id_number_twice_is_refused_with_a_link(tree, daoli, login_as):
    first = add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    response = client.post(reverse("registry:add"), _post(tree, id_number=first.id_number.lower()))
    body = response.content.decode()
    assert response.status_code == 200 and Woman.objects.count() == 1
    assert f"档案编号 {first.file_number}" in body
    assert reverse("registry:detail", args=[first.pk]) in body


def test_reg4_a_duplicate_outside_the_scope_is_refused_without_revealing_it(tree, daoli, nangang, login_as):
    other = add_woman(nangang, tree.b1)
    client = login_as(daoli)
    response = client.post(reverse("registry:add"), _post(tree, id_number=other.id_number))
    body = response.content.decode()
    assert "已在您管理范围以外的单位登记" in body
    assert other.file_number not in body and str(other.pk) not in body and tree.b1.name not in body


def test_reg4_a_closed_record_still_holds_its_number(tree, daoli):
    from fuqing.registry import privacy

    first = add_woman(daoli, tree.a1a)
    privacy.close_woman(daoli, first, "moved")
    with pytest.raises(services.DuplicateIdNumber):
        add_woman(daoli, tree.a1a, id_number=first.id_number)


def test_sec9_health_notes_need_her_separate_consent(tree, daoli, login_as):
    with pytest.raises(ValidationError, match="单独同意"):
        add_woman(daoli, tree.a1a, health_notes="糖尿病")
    client = login_as(daoli)
    response = client.post(
        reverse("registry:add"),
        _post(tree, health_notes="糖尿病", health_consent="on", notice_version="2014-1"),
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.purpose == "health" and consent.notice_version == "2014-1" and consent.in_force


def test_reg1_registration_date_cannot_be_in_the_future(tree, daoli):
    with pytest.raises(ValidationError, match="登记日期不能晚于今天"):
        add_woman(daoli, tree.a1a, registered_on=datetime.date.today() + datetime.timedelta(days=2))


def test_reg1_the_form_is_in_sections_and_fits_a_phone(tree, daoli, login_as):
    body = login_as(daoli).get(reverse("registry:add")).content.decode()
    for section in ("基本信息", "联系方式与所属社区", "困难群体", "家庭与健康", "登记"):
        assert f">{section}</legend>" in body
    assert 'inputmode="tel"' in body and 'autocomplete="off"' in body


def test_reg1_names_hold_letters_only(tree, daoli):
    with pytest.raises(ValidationError, match="姓名只能包含汉字"):
        add_woman(daoli, tree.a1a, name="=王丽")
    assert add_woman(daoli, tree.a1a, name="阿依·古丽").name == "阿依·古丽"
