"""Users, roles and scopes managed in the platform's own pages (ORG-4, SEC-3, SEC-5)."""

from fuqing.orgs.models import Org, Role, ScopeGrant, User
from tests.conftest import make_user


def test_org4_system_administrator_creates_a_user_in_the_pages(tree, login_as, sysadmin):
    client = login_as(sysadmin)
    response = client.post(
        "/orgs/users/add/",
        {
            "username": "liuxia",
            "name": "刘霞",
            "org": tree.a1.pk,
            "position": "cadre",
            "rank": "section",
            "password": "Harbin#2014x",
        },
    )
    user = User.objects.get(username="liuxia")
    assert response.status_code == 302 and response["Location"] == f"/orgs/users/{user.uuid}/"
    assert user.org == tree.a1 and not user.roles.exists()


def test_org4_the_user_form_keeps_input_and_names_the_rule_on_error(tree, login_as, sysadmin):
    client = login_as(sysadmin)
    response = client.post(
        "/orgs/users/add/",
        {
            "username": "zh",
            "name": "赵敏",
            "org": tree.a1.pk,
            "position": "cadre",
            "rank": "other",
            "password": "weak",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "用户名应为 3 个以上" in page or "密码至少需要" in page
    assert 'value="赵敏"' in page


def test_org4_security_administrator_grants_roles_and_scopes_in_the_pages(tree, login_as, secadmin):
    user = make_user(tree.research)
    client = login_as(secadmin)
    researcher = Role.objects.get(code="researcher")
    assert client.post(f"/orgs/users/{user.uuid}/roles/", {"roles": [researcher.pk]}).status_code == 302
    assert client.post(f"/orgs/users/{user.uuid}/grants/", {"org": tree.city.pk}).status_code == 302
    grant = ScopeGrant.objects.get(user=user)
    assert not grant.can_edit
    fresh = User.objects.get(pk=user.pk)
    assert Org.objects.visible_to(fresh).filter(pk=tree.b1.pk).exists()  # city-wide read
    assert not Org.objects.editable_by(fresh).filter(pk=tree.b1.pk).exists()
    assert client.post(f"/orgs/grants/{grant.pk}/revoke/").status_code == 302
    assert not ScopeGrant.objects.filter(pk=grant.pk).exists()


def test_sec3_a_district_administrator_cannot_reach_users_outside_her_subtree(
    tree, login_as, district_sysadmin
):
    outsider = make_user(tree.b1, "cadre")
    client = login_as(district_sysadmin)
    assert client.get(f"/orgs/users/{outsider.uuid}/").status_code == 404
    assert client.post(f"/orgs/users/{outsider.uuid}/active/", {"active": "0"}).status_code == 404
    assert User.objects.get(pk=outsider.pk).is_active
    response = client.post(
        "/orgs/users/add/",
        {
            "username": "sneaky",
            "name": "x",
            "org": tree.b1.pk,
            "position": "cadre",
            "rank": "other",
            "password": "Harbin#2014x",
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="sneaky").exists()


def test_org5_moving_a_subtree_in_the_pages(tree, login_as, sysadmin):
    client = login_as(sysadmin)
    page = client.get(f"/orgs/{tree.a1.pk}/move/").content.decode()
    assert "南岗区妇联" in page and "新阳路街道" in page
    assert client.post(f"/orgs/{tree.a1.pk}/move/", {"parent": tree.b.pk}).status_code == 302
    tree.a1.refresh_from_db()
    assert Org.objects.get_parent(tree.a1) == Org.objects.get(pk=tree.b.pk)


def test_org3_the_user_list_shows_only_the_administrators_subtree(
    tree, login_as, district_sysadmin, nangang, daoli
):
    page = login_as(district_sysadmin).get("/orgs/users/").content.decode()
    assert "daoli" in page and "nangang" not in page


def test_org4_navigation_shows_only_what_the_user_may_use(tree, login_as, daoli, sysadmin, auditor):
    cadre_page = login_as(daoli).get("/").content.decode()
    assert "审计日志" not in cadre_page and "用户管理" not in cadre_page and "活动日程" in cadre_page
    admin_page = login_as(sysadmin).get("/").content.decode()
    assert "用户管理" in admin_page and "审计日志" not in admin_page
    assert "审计日志" in login_as(auditor).get("/").content.decode()


def test_org2_people_carry_position_and_rank_and_volunteers_are_people_too(tree, sysadmin):
    from fuqing.orgs import services
    from fuqing.orgs.models import Position, Rank

    chair = services.create_user(
        sysadmin,
        username="chair1",
        password="Harbin#2014x",
        org=tree.a,
        name="李秀英",
        position=Position.CHAIR,
        rank=Rank.DIVISION,
    )
    assert chair.get_position_display() == "主席" and chair.get_rank_display() == "县处级" and chair.is_leader
    volunteer = services.create_user(
        sysadmin,
        username="vol1",
        password="Harbin#2014x",
        org=tree.a1a,
        name="赵桂兰",
        position=Position.VOLUNTEER,
    )
    assert volunteer.is_volunteer and not volunteer.is_leader
    assert {p.label for p in Position} >= {
        "主席",
        "专职副主席",
        "兼职副主席",
        "班子成员",
        "部长",
        "干部",
        "执委",
        "巾帼志愿者",
    }
    assert {r.label for r in Rank} >= {"厅局级", "县处级", "乡科级", "其他"}
