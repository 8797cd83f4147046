"""The organisation tree (ORG-1, ORG-5) and delegation of its administration (SEC-3)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fuqing.core.models import AuditEvent
from fuqing.orgs import services
from fuqing.orgs.models import Org, OrgKind
from fuqing.registry.models import Woman
from tests.conftest import make_user


def test_org1_a_node_has_a_kind_a_parent_and_an_optional_division_code(tree, sysadmin):
    org = services.add_org(
        sysadmin, parent=tree.a1, name="建国社区", kind=OrgKind.COMMUNITY, division_code="230102002001"
    )
    assert Org.objects.get_parent(org) == tree.a1
    assert org.division_code == "230102002001"
    group = services.add_org(sysadmin, parent=org, name="3号楼妇女小组", kind=OrgKind.WOMENS_GROUP)
    assert group.depth == org.depth + 1


@pytest.mark.parametrize(
    ("parent", "kind", "field"),
    [
        ("a", OrgKind.COMMUNITY, "parent"),
        ("a1a", OrgKind.DISTRICT, "parent"),
        ("city", OrgKind.TOWNSHIP, "parent"),
    ],
)
def test_org1_kinds_sit_only_under_their_parent_kinds(tree, sysadmin, parent, kind, field):
    with pytest.raises(ValidationError) as exc:
        services.add_org(sysadmin, parent=getattr(tree, parent), name="测试", kind=kind)
    assert field in exc.value.message_dict


def test_org1_division_codes_are_checked(tree, sysadmin):
    with pytest.raises(ValidationError) as exc:
        services.add_org(sysadmin, parent=tree.a, name="新街道", kind=OrgKind.TOWNSHIP, division_code="23010")
    assert "6、9 或 12 位数字" in exc.value.message_dict["division_code"][0]
    with pytest.raises(ValidationError) as exc:
        services.add_org(
            sysadmin, parent=tree.a, name="新街道", kind=OrgKind.TOWNSHIP, division_code="230102002"
        )
    assert "已被其他组织使用" in exc.value.message_dict["division_code"][0]


def test_org1_siblings_have_distinct_names(tree, sysadmin):
    with pytest.raises(ValidationError):
        services.add_org(sysadmin, parent=tree.a, name="新阳路街道", kind=OrgKind.TOWNSHIP)


def test_org5_moving_a_subtree_keeps_its_data_and_moves_everyones_scope(tree, sysadmin, daoli, nangang):
    woman = Woman.objects.create(org=tree.a1a, name="李秀英", registered_on="2014-04-15")
    street_cadre = make_user(tree.a1, "cadre")
    assert Woman.objects.visible_to(daoli).filter(pk=woman.pk).exists()
    assert not Woman.objects.visible_to(nangang).filter(pk=woman.pk).exists()
    services.move_org(sysadmin, tree.a1, tree.b)
    tree.a1.refresh_from_db()
    tree.a1a.refresh_from_db()
    assert tree.a1.path.startswith(Org.objects.get(pk=tree.b.pk).path)
    assert tree.a1a.path.startswith(tree.a1.path)
    assert Woman.objects.get(pk=woman.pk).org_id == tree.a1a.pk
    fresh = lambda u: type(u).objects.get(pk=u.pk)  # noqa: E731 (scopes are computed per request)
    assert not Woman.objects.visible_to(fresh(daoli)).filter(pk=woman.pk).exists()
    assert Woman.objects.visible_to(fresh(nangang)).filter(pk=woman.pk).exists()
    assert Woman.objects.visible_to(fresh(street_cadre)).filter(pk=woman.pk).exists()
    assert AuditEvent.objects.filter(action="move", object_id=str(tree.a1.pk)).exists()


def test_org5_a_subtree_cannot_move_under_itself(tree, sysadmin):
    with pytest.raises(ValidationError):
        services.move_org(sysadmin, tree.a, tree.a1)


def test_sec3_a_district_administrator_acts_only_inside_her_subtree(tree, district_sysadmin):
    services.add_org(district_sysadmin, parent=tree.a1, name="光明社区", kind=OrgKind.COMMUNITY)
    with pytest.raises(PermissionDenied):
        services.add_org(district_sysadmin, parent=tree.b, name="越界街道", kind=OrgKind.TOWNSHIP)
    with pytest.raises(PermissionDenied):
        services.move_org(district_sysadmin, tree.a1, tree.b)  # target outside her subtree
    with pytest.raises(PermissionDenied):
        services.move_org(district_sysadmin, tree.b1, tree.a)  # source outside her subtree
    with pytest.raises(PermissionDenied):
        services.move_org(district_sysadmin, tree.a, tree.city)  # her own unit
    with pytest.raises(PermissionDenied):
        services.update_org(district_sysadmin, tree.b, name="改名")


def test_sec3_a_district_administrator_creates_users_only_in_her_subtree(tree, district_sysadmin):
    user = services.create_user(district_sysadmin, username="newcadre", password="Harbin#2014x", org=tree.a1)
    assert user.org == tree.a1 and user.must_change_password and not user.roles.exists()
    with pytest.raises(PermissionDenied):
        services.create_user(district_sysadmin, username="outsider", password="Harbin#2014x", org=tree.b)


def test_sec3_roles_and_scopes_are_granted_only_inside_the_granters_subtree(tree, district_secadmin):
    from fuqing.orgs.models import Role

    inside = make_user(tree.a1)
    outside = make_user(tree.b1)
    cadre = Role.objects.get(code="cadre")
    services.assign_roles(district_secadmin, inside, [cadre])
    with pytest.raises(PermissionDenied):
        services.assign_roles(district_secadmin, outside, [cadre])
    services.grant_scope(district_secadmin, inside, tree.a, can_edit=False)
    with pytest.raises(PermissionDenied):
        services.grant_scope(district_secadmin, inside, tree.b)
    with pytest.raises(PermissionDenied):
        services.assign_roles(district_secadmin, district_secadmin, [cadre])


def test_sec5_three_separate_administrators(tree, secadmin):
    from fuqing.orgs.models import Role

    user = make_user(tree.city)
    roles = {r.code: r for r in Role.objects.all()}
    with pytest.raises(ValidationError) as exc:
        services.assign_roles(secadmin, user, [roles["system-admin"], roles["audit-admin"]])
    assert "三权分立" in exc.value.message_dict["roles"][0]
    with pytest.raises(ValidationError):
        services.assign_roles(secadmin, user, [roles["system-admin"], roles["leader"]])
    services.assign_roles(secadmin, user, [roles["audit-admin"]])
    user = type(user).objects.get(pk=user.pk)
    assert user.admin_kind == "audit"
    assert user.has_admin_ability("read_audit") and not user.has_admin_ability("manage_users")
    assert not user.has_module_perm("registry", "view")


def test_sec5_each_administrator_does_only_her_own_job(tree, sysadmin, secadmin, auditor):
    target = make_user(tree.a)
    with pytest.raises(PermissionDenied):
        services.create_user(secadmin, username="x1", password="Harbin#2014x", org=tree.a)
    with pytest.raises(PermissionDenied):
        services.assign_roles(sysadmin, target, [])
    with pytest.raises(PermissionDenied):
        services.add_org(auditor, parent=tree.a, name="审计建的", kind=OrgKind.TOWNSHIP)


def test_org4_roles_grant_permissions_per_module(tree, secadmin):
    role = services.save_role(
        secadmin, None, code="reader", name="只读", description="", permissions=["registry.view", "orgs.view"]
    )
    user = make_user(tree.a, "reader")
    assert user.has_module_perm("registry", "view") and not user.has_module_perm("registry", "edit")
    with pytest.raises(ValidationError):
        services.save_role(
            secadmin, role, code="reader", name="只读", description="", permissions=["registry.fly"]
        )


def test_org4_only_a_root_security_administrator_edits_roles(tree, district_secadmin):
    with pytest.raises(PermissionDenied):
        services.save_role(district_secadmin, None, code="x", name="x", description="", permissions=[])


def test_org4_administrators_manage_the_tree_in_the_platforms_pages(tree, login_as, district_sysadmin):
    client = login_as(district_sysadmin)
    response = client.post(f"/orgs/{tree.a1.pk}/add/", {"name": "和平社区", "kind": "community"})
    assert response.status_code == 302
    new = Org.objects.get(name="和平社区")
    assert client.post(f"/orgs/{new.pk}/edit/", {"name": "和平里社区", "is_active": "on"}).status_code == 302
    assert Org.objects.get(pk=new.pk).name == "和平里社区"
    page = client.get(f"/orgs/{tree.a1.pk}/add/")
    assert "社区(村)妇联" in page.content.decode()
    response = client.post(f"/orgs/{tree.a1.pk}/add/", {"name": "", "kind": "community"})
    assert "名称" in response.content.decode() and response.status_code == 200
