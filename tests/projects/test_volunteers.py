"""PRJ-5: 爱心暖夕阳 — volunteers with light-weight accounts (issued under SEC-3/SEC-5), matched to
empty-nest households of their area; each pair counts toward both indicators; a volunteer sees only
her own households, on the pages and through the API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fuqing.orgs import services as org_services
from fuqing.orgs.models import OrgKind, Position
from fuqing.projects import metrics, services
from fuqing.projects.models import Indicator, Volunteer, VolunteerPair
from tests.conftest import login, make_user

DAY = datetime.date(2014, 5, 1)


def _household(org, address, actor=None):
    return services.add_household(
        actor, org=org, address=address, elders=[{"name": "王桂芝", "birth_year": 1936}]
    )


@pytest.fixture
def volunteer(tree):
    return services.register_volunteer(None, org=tree.a1a, name="赵桂兰", phone="13904511234")


@pytest.fixture
def volunteer_user(tree, volunteer):
    """赵桂兰's account as the delegated flow leaves it: position 巾帼志愿者, the volunteer role."""
    user = make_user(tree.a1a, "volunteer", username="zhaoguilan", position=Position.VOLUNTEER)
    volunteer.user = user
    volunteer.save()
    return user


# --- volunteers and their accounts ------------------------------------------------------------------


def test_prj5_a_cadre_registers_a_volunteer_with_her_phone_encrypted(tree, colleague):
    volunteer = services.register_volunteer(colleague, org=tree.a1a, name="赵桂兰", phone="139 0451 1234")
    assert volunteer.phone == "13904511234" and volunteer.masked_phone == "139****1234"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM projects_volunteer WHERE id = %s", [volunteer.pk.hex])
        stored = cursor.fetchone()
    if stored is None:  # PostgreSQL stores the UUID natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM projects_volunteer WHERE id = %s", [volunteer.pk])
            stored = cursor.fetchone()
    assert "13904511234" not in stored[0]
    with pytest.raises(ValidationError) as exc:
        services.register_volunteer(colleague, org=tree.a1a, name="赵桂兰", phone="13904511234")
    assert "该手机号码的志愿者已经登记" in exc.value.message_dict["phone"][0]


def test_prj5_a_cadre_cannot_issue_accounts_or_grant_roles(tree, volunteer, colleague, daoli):
    with pytest.raises(PermissionDenied):
        services.issue_account(colleague, volunteer)
    with pytest.raises(PermissionDenied):
        services.issue_account(daoli, volunteer)
    services.request_account(colleague, volunteer)
    volunteer.refresh_from_db()
    assert volunteer.account_requested and volunteer.user is None


def test_sec3_prj5_a_system_administrator_issues_accounts_only_in_her_subtree(tree, volunteer, sysadmin):
    b_volunteer = services.register_volunteer(None, org=tree.b1, name="孙丽娟")
    district_admin = make_user(tree.a, "system-admin", username="a_admin")
    with pytest.raises(PermissionDenied):
        services.issue_account(district_admin, b_volunteer)
    user, password = services.issue_account(district_admin, volunteer)
    assert (user.position, user.org, user.must_change_password) == (Position.VOLUNTEER, tree.a1a, True)
    assert user.check_password(password) and list(user.roles.all()) == []
    with pytest.raises(ValidationError):
        services.issue_account(sysadmin, volunteer)


def test_sec5_prj5_a_security_administrator_grants_only_the_volunteer_role(
    tree, volunteer, sysadmin, secadmin
):
    user, _password = services.issue_account(sysadmin, volunteer)
    with pytest.raises(PermissionDenied):
        services.grant_volunteer_role(sysadmin, volunteer)
    services.grant_volunteer_role(secadmin, volunteer)
    assert [r.code for r in user.roles.all()] == ["volunteer"]


def test_prj5_the_account_pages_follow_the_three_administrator_kinds(
    tree, volunteer, sysadmin, secadmin, colleague, client
):
    login(client, sysadmin)
    assert "赵桂兰" in client.get("/projects/volunteer-accounts/").content.decode()
    response = client.post(f"/projects/volunteer-accounts/{volunteer.pk}/issue/", follow=True)
    page = response.content.decode()
    assert "初始密码" in page and "此密码只显示这一次" in page
    assert "初始密码" not in client.get("/projects/volunteer-accounts/").content.decode()  # shown once
    login(client, secadmin)
    client.post(f"/projects/volunteer-accounts/{volunteer.pk}/grant/")
    volunteer.refresh_from_db()
    assert [r.code for r in volunteer.user.roles.all()] == ["volunteer"]
    client.force_login(colleague)
    assert client.get("/projects/volunteer-accounts/").status_code == 403


# --- households and pairs -----------------------------------------------------------------------


def test_prj5_a_household_has_an_address_and_its_elderly_people(tree, colleague):
    household = services.add_household(
        colleague,
        org=tree.a1a,
        address="友谊路12号3单元201",
        elders=[{"name": "王桂芝", "birth_year": 1936}, {"name": "李长顺", "sex": "M", "birth_year": 1933}],
    )
    assert [(e.masked_name, e.sex) for e in household.elders.all()] == [("王*芝", "F"), ("李*顺", "M")]
    with pytest.raises(ValidationError) as exc:
        services.add_household(colleague, org=tree.a1a, address="友谊路13号", elders=[])
    assert "请至少填写一位老人" in exc.value.message_dict["elders"][0]


def test_prj5_an_elder_may_be_linked_to_her_registry_record(tree, colleague, nangang):
    from tests.projects.conftest import make_woman

    woman = make_woman(tree.a1a, "王桂芝")
    household = services.add_household(
        colleague, org=tree.a1a, address="友谊路12号", elders=[{"name": "王桂芝", "woman": woman}]
    )
    assert household.elders.get().woman == woman
    with pytest.raises((ValidationError, PermissionDenied)):
        services.add_household(
            nangang, org=tree.b1, address="花园街1号", elders=[{"name": "王桂芝", "woman": woman}]
        )


def test_prj5_each_pair_counts_toward_both_indicators(tree, sunset, volunteer, colleague):
    second = services.register_volunteer(colleague, org=tree.a1a, name="刘春梅")
    homes = [_household(tree.a1a, f"友谊路{n}号") for n in (1, 2)]
    services.pair(
        colleague, project=sunset["project"], volunteer=volunteer, household=homes[0], started_on=DAY
    )
    services.pair(
        colleague, project=sunset["project"], volunteer=volunteer, household=homes[1], started_on=DAY
    )
    services.pair(colleague, project=sunset["project"], volunteer=second, household=homes[1], started_on=DAY)
    indicators = list(Indicator.objects.select_related("project", "project__campaign", "project__org"))
    figures = metrics.figures(indicators, [tree.city, tree.a], datetime.date(2014, 12, 31))
    assert figures[(sunset["volunteers"].pk, tree.a.pk)].value == 2
    assert figures[(sunset["households"].pk, tree.city.pk)].value == 2


def test_prj5_volunteers_pair_only_with_households_of_their_area(
    tree, sunset, volunteer, colleague, city_leader
):
    other_street = org_services.add_org(None, parent=tree.a, name="兆麟街道", kind=OrgKind.TOWNSHIP)
    far = _household(other_street, "兆麟街1号")
    near_community = org_services.add_org(None, parent=tree.a1, name="红旗社区", kind=OrgKind.COMMUNITY)
    near = _household(near_community, "红旗大街5号")
    with pytest.raises(ValidationError) as exc:
        services.pair(
            city_leader, project=sunset["project"], volunteer=volunteer, household=far, started_on=DAY
        )
    assert "按就近原则，“赵桂兰”只能与“新阳路街道”范围内的家庭结对" in exc.value.message_dict["household"][0]
    assert services.pair(
        colleague, project=sunset["project"], volunteer=volunteer, household=near, started_on=DAY
    )


def test_prj5_a_pair_is_recorded_once_per_project(tree, sunset, volunteer, colleague):
    home = _household(tree.a1a, "友谊路1号")
    services.pair(colleague, project=sunset["project"], volunteer=volunteer, household=home, started_on=DAY)
    with pytest.raises(ValidationError) as exc:
        services.pair(
            colleague, project=sunset["project"], volunteer=volunteer, household=home, started_on=DAY
        )
    assert "赵桂兰已与该家庭在本项目中结对" in exc.value.message_dict["household"][0]


def test_prj5_pairs_need_a_project_with_a_pair_indicator(tree, project, volunteer, colleague):
    with pytest.raises(ValidationError) as exc:
        services.pair(
            colleague,
            project=project,
            volunteer=volunteer,
            household=_household(tree.a1a, "1号"),
            started_on=DAY,
        )
    assert "没有由结对记录计算的指标" in exc.value.message_dict["project"][0]


def test_prj5_the_pair_form_pairs_and_an_ended_pair_still_counts_for_its_year(
    tree, sunset, volunteer, colleague, login_as
):
    home = _household(tree.a1a, "友谊路1号")
    client = login_as(colleague)
    page = client.get(f"/projects/pairs/add/?volunteer={volunteer.pk}").content.decode()
    assert "友谊路1号" in page
    data = {
        "project": sunset["project"].pk,
        "volunteer": str(volunteer.pk),
        "household": str(home.pk),
        "started_on": "2014-05-01",
    }
    response = client.post("/projects/pairs/add/", data, follow=True)
    assert "已结对：赵桂兰 — 友谊路1号" in response.content.decode()
    pair = VolunteerPair.objects.get()
    client.post(f"/projects/pairs/{pair.pk}/end/", {"ended_on": "2014-07-01", "reason": "老人随子女迁居"})
    pair.refresh_from_db()
    assert pair.ended_on == datetime.date(2014, 7, 1) and "迁居" in pair.notes
    indicator = Indicator.objects.select_related("project", "project__campaign", "project__org").get(
        pk=sunset["households"].pk
    )
    assert (
        metrics.figures([indicator], [tree.a], datetime.date(2014, 12, 31))[(indicator.pk, tree.a.pk)].value
        == 1
    )


# --- the volunteer's own view ------------------------------------------------------------------------


@pytest.fixture
def paired(tree, sunset, volunteer, volunteer_user, colleague):
    mine = _household(tree.a1a, "友谊路12号")
    other = _household(tree.a1a, "友谊路99号")
    someone = services.register_volunteer(None, org=tree.a1a, name="刘春梅")
    services.pair(colleague, project=sunset["project"], volunteer=volunteer, household=mine, started_on=DAY)
    services.pair(colleague, project=sunset["project"], volunteer=someone, household=other, started_on=DAY)
    return {"mine": mine, "other": other}


def test_prj5_a_volunteer_sees_her_own_households(paired, volunteer_user, login_as):
    client = login_as(volunteer_user)
    page = client.get("/projects/my/").content.decode()
    assert "友谊路12号" in page and "友谊路99号" not in page
    assert client.get(f"/projects/households/{paired['mine'].pk}/").status_code == 200
    home = client.get("/").content.decode()
    assert 'data-panel="projects-my-households"' in home and "友谊路12号" in home
    assert 'data-panel="projects-lagging"' not in home


def test_prj5_a_volunteer_sees_nothing_else_on_the_pages(
    tree, paired, volunteer_user, relief, women, jobs, login_as
):
    services.record_beneficiary(
        None, project=relief["project"], woman=women[0], org=tree.a1a, received_on=DAY, help_kind="生活救助"
    )
    client = login_as(volunteer_user)
    assert client.get(f"/projects/households/{paired['other'].pk}/").status_code == 404
    for url in (
        "/projects/",
        "/projects/households/",
        "/projects/pairs/",
        "/projects/volunteers/",
        "/projects/beneficiaries/",
        "/projects/progress/",
        "/projects/report/",
        f"/projects/indicators/{jobs.pk}/",
        "/ledgers/volunteer_pairs/export/",
        "/ledgers/beneficiaries/export/",
        "/ledgers/progress/export/",
    ):
        assert client.get(url).status_code in (403, 404), url
    nav = client.get("/projects/my/").content.decode()
    assert "我的结对家庭" in nav and "月度填报" not in nav and "项目进度" not in nav


def test_prj5_a_volunteer_sees_nothing_else_through_the_api(tree, paired, volunteer_user, client):
    from django.utils import timezone

    from fuqing.api.auth import TOKEN_PREFIX, digest
    from fuqing.orgs.models import ApiToken

    raw = TOKEN_PREFIX + "volunteer-token-0001"
    ApiToken.objects.create(
        user=volunteer_user,
        digest=digest(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + timezone.timedelta(hours=1),
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    mine = client.get("/api/v1/my/households/", **headers).json()
    assert [p["household_address"] for p in mine["items"]] == ["友谊路12号"]
    assert client.get(f"/api/v1/households/{paired['mine'].pk}/", **headers).status_code == 200
    assert client.get(f"/api/v1/households/{paired['other'].pk}/", **headers).status_code == 404
    for url in (
        "/api/v1/households/",
        "/api/v1/volunteer-pairs/",
        "/api/v1/volunteers/",
        "/api/v1/beneficiaries/",
        "/api/v1/progress/",
        "/api/v1/projects/",
        "/api/v1/indicators/",
        "/api/v1/targets/",
    ):
        assert client.get(url, **headers).status_code == 403, url


def test_prj5_a_cadre_with_a_volunteer_profile_still_sees_her_units_work(tree, paired, colleague, login_as):
    assert "友谊路99号" in login_as(colleague).get("/projects/households/").content.decode()


def test_prj5_volunteer_only_means_position_or_only_the_volunteer_role(tree):
    from fuqing.projects.access import is_volunteer_only

    assert is_volunteer_only(make_user(tree.a1a, "volunteer"))
    assert is_volunteer_only(make_user(tree.a1a, "cadre", position=Position.VOLUNTEER))
    assert not is_volunteer_only(make_user(tree.a1a, "volunteer", "cadre"))


def test_prj5_registering_volunteers_needs_edit_rights(tree):
    inspector = make_user(tree.a, "inspector")
    with pytest.raises(PermissionDenied):
        services.register_volunteer(inspector, org=tree.a1a, name="赵桂兰")
    assert not Volunteer.objects.exists()
