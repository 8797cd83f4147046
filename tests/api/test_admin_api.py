"""PLT-3 with ORG-4, SEC-3, SEC-5, SEC-7: accounts, roles, scope grants and the audit log through the API —
each administrator does her own part, inside her own subtree; nobody writes the audit log."""

from __future__ import annotations

import pytest

from fuqing.core.models import AuditEvent
from fuqing.orgs.models import Role, ScopeGrant, User
from tests.conftest import make_user

STRONG = "Fq#2026strong!x"


def _counts():
    return User.objects.count(), ScopeGrant.objects.count(), Role.objects.count()


def test_plt3_the_system_administrator_creates_an_account_in_her_subtree(call, tree, district_sysadmin):
    response = call(
        district_sysadmin,
        "post",
        "/users/",
        {"username": "liu_cm", "password": STRONG, "org": tree.a1.pk, "name": "刘春梅", "position": "cadre"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "刘春梅" and body["org_name"] == "新阳路街道" and body["roles"] == []
    user = User.objects.get(username="liu_cm")
    assert user.must_change_password and user.check_password(STRONG)
    assert AuditEvent.objects.filter(
        action="create", object_id=str(user.pk), actor=district_sysadmin
    ).exists()


def test_plt3_bad_input_names_the_field_in_chinese_and_writes_nothing(call, tree, district_sysadmin):
    before = _counts()
    weak = call(
        district_sysadmin, "post", "/users/", {"username": "x1x", "password": "123", "org": tree.a.pk}
    )
    assert weak.status_code == 422
    assert "密码（password）" in weak.json()["detail"] and "password" in weak.json()["errors"]
    missing = call(district_sysadmin, "post", "/users/", {"password": STRONG, "org": tree.a.pk})
    assert missing.status_code == 422 and "用户名（username）" in missing.json()["detail"]
    position = call(
        district_sysadmin,
        "post",
        "/users/",
        {"username": "abcd", "password": STRONG, "org": tree.a.pk, "position": "queen"},
    )
    assert position.status_code == 422 and "职务（position）" in position.json()["detail"]
    assert _counts() == before


def test_plt3_only_the_system_administrator_creates_accounts(call, tree, daoli, district_secadmin):
    before = _counts()
    body = {"username": "someone", "password": STRONG, "org": tree.a.pk}
    assert call(daoli, "post", "/users/", body).status_code == 403
    assert call(district_secadmin, "post", "/users/", body).status_code == 403
    assert _counts() == before


def test_plt3_the_sibling_districts_units_and_accounts_are_not_found(call, tree, district_sysadmin, nangang):
    before = _counts()
    body = {"username": "someone", "password": STRONG, "org": tree.b.pk}
    assert call(district_sysadmin, "post", "/users/", body).status_code == 404
    assert call(district_sysadmin, "get", f"/users/{nangang.uuid}/").status_code == 404
    assert call(district_sysadmin, "patch", f"/users/{nangang.uuid}/", {"name": "改"}).status_code == 404
    assert _counts() == before
    nangang.refresh_from_db()
    assert nangang.name == "nangang"


def test_plt3_accounts_list_in_scope_with_bounded_queries(
    call, tree, district_sysadmin, daoli, nangang, django_assert_max_num_queries
):
    for i in range(5):
        make_user(tree.a1, "cadre", username=f"cadre{i}")
    token_user = district_sysadmin
    from tests.api.conftest import token_for

    token = token_for(token_user)
    with django_assert_max_num_queries(12):
        response = call(token, "get", "/users/", {"limit": 50})
    names = {u["username"] for u in response.json()["items"]}
    assert "daoli" in names and "cadre4" in names and "nangang" not in names
    assert call(daoli, "get", "/users/").status_code == 403  # a leader is no user administrator


def test_plt3_the_system_administrator_changes_and_disables_an_account(
    call, tree, district_sysadmin, colleague
):
    response = call(
        district_sysadmin, "patch", f"/users/{colleague.uuid}/", {"name": "刘春梅", "rank": "section"}
    )
    assert response.status_code == 200 and response.json()["rank_label"] == "乡科级"
    response = call(district_sysadmin, "post", f"/users/{colleague.uuid}/active/", {"active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    colleague.refresh_from_db()
    assert colleague.name == "刘春梅" and not colleague.is_active


def test_sec6_a_password_reset_through_the_api_must_be_replaced(call, district_sysadmin, colleague):
    assert (
        call(district_sysadmin, "post", f"/users/{colleague.uuid}/password/", {"password": "1"}).status_code
        == 422
    )
    response = call(district_sysadmin, "post", f"/users/{colleague.uuid}/password/", {"password": STRONG})
    assert response.status_code == 204
    colleague.refresh_from_db()
    assert colleague.check_password(STRONG) and colleague.must_change_password


def test_sec5_the_security_administrator_grants_roles_the_system_administrator_cannot(
    call, district_secadmin, district_sysadmin, colleague
):
    cadre, leader = Role.objects.get(code="cadre"), Role.objects.get(code="leader")
    body = {"roles": [cadre.pk, leader.pk]}
    assert call(district_sysadmin, "put", f"/users/{colleague.uuid}/roles/", body).status_code == 403
    response = call(district_secadmin, "put", f"/users/{colleague.uuid}/roles/", body)
    assert response.status_code == 200
    assert sorted(response.json()["roles"]) == ["cadre", "leader"]
    assert AuditEvent.objects.filter(action="grant", object_id=str(colleague.pk)).exists()


def test_sec5_one_administrator_kind_and_no_business_role_beside_it(call, district_secadmin, colleague):
    system, audit = Role.objects.get(code="system-admin"), Role.objects.get(code="audit-admin")
    response = call(
        district_secadmin, "put", f"/users/{colleague.uuid}/roles/", {"roles": [system.pk, audit.pk]}
    )
    assert response.status_code == 422 and "角色（roles）" in response.json()["detail"]
    assert not colleague.roles.filter(admin_kind__gt="").exists()
    missing = call(district_secadmin, "put", f"/users/{colleague.uuid}/roles/", {"roles": [987654]})
    assert missing.status_code == 422


def test_sec3_scope_grants_inside_the_security_administrators_subtree(
    call, tree, district_secadmin, colleague
):
    response = call(
        district_secadmin, "post", "/scope-grants/", {"user": str(colleague.uuid), "org": tree.a1.pk}
    )
    assert response.status_code == 201, response.content
    grant = ScopeGrant.objects.get(user=colleague)
    assert response.json()["org_name"] == "新阳路街道" and not grant.can_edit
    listed = call(district_secadmin, "get", "/scope-grants/", {"user": str(colleague.uuid)}).json()
    assert [g["id"] for g in listed["items"]] == [grant.pk]
    # beyond her subtree: the sibling is not found; the city (visible? no: above her) is not found either
    before = ScopeGrant.objects.count()
    body = {"user": str(colleague.uuid), "org": tree.b.pk}
    assert call(district_secadmin, "post", "/scope-grants/", body).status_code == 404
    assert ScopeGrant.objects.count() == before
    assert call(district_secadmin, "delete", f"/scope-grants/{grant.pk}/").status_code == 204
    assert not ScopeGrant.objects.filter(pk=grant.pk).exists()


def test_sec3_a_cadre_neither_grants_nor_revokes(call, tree, colleague, daoli):
    grant = ScopeGrant.objects.create(user=colleague, org=tree.a1)
    assert (
        call(daoli, "post", "/scope-grants/", {"user": str(colleague.uuid), "org": tree.a1.pk}).status_code
        == 403
    )
    assert call(daoli, "delete", f"/scope-grants/{grant.pk}/").status_code == 403
    assert ScopeGrant.objects.filter(pk=grant.pk).exists()


def test_org4_roles_are_edited_only_by_the_root_security_administrator(
    call, secadmin, district_secadmin, daoli
):
    body = {"code": "statistician", "name": "统计员", "permissions": ["registry.view", "registry.export"]}
    assert call(district_secadmin, "post", "/roles/", body).status_code == 403
    assert call(daoli, "post", "/roles/", body).status_code == 403
    assert call(daoli, "get", "/roles/").status_code == 403
    response = call(secadmin, "post", "/roles/", body)
    assert response.status_code == 201 and response.json()["permissions"] == [
        "registry.export",
        "registry.view",
    ]
    role = Role.objects.get(code="statistician")
    bad = call(secadmin, "patch", f"/roles/{role.pk}/", {"permissions": ["registry.fly"]})
    assert bad.status_code == 422 and "权限（permissions）" in bad.json()["detail"]
    assert call(secadmin, "patch", f"/roles/{role.pk}/", {"name": "统计"}).json()["name"] == "统计"
    assert call(district_secadmin, "get", "/roles/").status_code == 200
    assert call(secadmin, "get", "/roles/987654/").status_code == 404


def test_sec7_the_audit_administrator_reads_the_log_nobody_writes_it(
    call, tree, auditor, daoli, district_sysadmin, django_assert_max_num_queries
):
    call(district_sysadmin, "patch", f"/users/{daoli.uuid}/", {"name": "李秀英"})
    from tests.api.conftest import token_for

    token = token_for(auditor)
    with django_assert_max_num_queries(10):
        response = call(token, "get", "/audit/", {"action": "update", "limit": 20})
    assert response.status_code == 200
    items = response.json()["items"]
    assert any(i["object_id"] == str(daoli.pk) and i["action_label"] == "修改" for i in items)
    assert {i["actor_name"] for i in items if i["object_id"] == str(daoli.pk)} == {
        district_sysadmin.display_name
    }
    by_name = call(auditor, "get", "/audit/", {"q": district_sysadmin.name}).json()["items"]
    assert by_name and all(i["actor_name"] == district_sysadmin.display_name for i in by_name)
    event = AuditEvent.objects.filter(object_id=str(daoli.pk), action="update").latest("seq")
    assert call(auditor, "get", f"/audit/{event.pk}/").json()["seq"] == event.seq
    for who in (daoli, district_sysadmin):
        assert call(who, "get", "/audit/").status_code == 403
        assert call(who, "get", f"/audit/{event.pk}/").status_code == 403
    bad = call(auditor, "get", "/audit/", {"action": "dance"})
    assert bad.status_code == 422 and "操作（action）" in bad.json()["detail"]
    # read-only: no operation writes, changes or deletes a record
    for method in ("post", "put", "patch", "delete"):
        assert call(auditor, method, f"/audit/{event.pk}/", {}).status_code == 405


@pytest.mark.parametrize("path", ["/users/", "/scope-grants/", "/audit/"])
def test_sec2_a_district_auditor_sees_nothing_of_the_sibling(call, tree, path):
    auditor_a = make_user(tree.a, "audit-admin", username="auditor_a")
    secadmin_a = make_user(tree.a, "security-admin", username="secadmin_a")
    outsider = make_user(tree.b, "cadre", username="outsider_b", name="南岗某人")
    ScopeGrant.objects.create(user=outsider, org=tree.b1)
    from fuqing.core import audit

    audit.record("update", obj=outsider, username="x")
    who = auditor_a if path == "/audit/" else secadmin_a
    text = call(who, "get", path).content.decode()
    assert "outsider_b" not in text and "南岗某人" not in text and str(outsider.uuid) not in text
