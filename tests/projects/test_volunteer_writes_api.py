"""PLT-3 with PRJ-5, SEC-3, SEC-5: volunteers and households written through the API — a cadre registers
and asks, the system administrator issues the account, the security administrator grants its role;
phones and elders' names come back masked; the sibling district finds nothing; bad input writes
nothing."""

from __future__ import annotations

import datetime

import pytest

from fuqing.orgs.models import Position, User
from fuqing.projects import services
from fuqing.projects.models import ElderlyPerson, Household, Volunteer, VolunteerPair
from tests.projects.conftest import make_woman

DAY = datetime.date(2014, 5, 1)


@pytest.fixture
def volunteer(tree):
    return services.register_volunteer(None, org=tree.a1a, name="赵桂兰", phone="13904511234")


def test_prj5_a_cadre_registers_a_volunteer_her_phone_masked(call, tree, colleague):
    response = call(
        colleague, "post", "/volunteers/", {"org": tree.a1a.pk, "name": "刘春梅", "phone": "13904517788"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "刘春梅" and body["phone"] != "13904517788" and "7788" in body["phone"]
    assert Volunteer.objects.get(pk=body["id"]).phone == "13904517788"


def test_prj5_bad_input_names_the_field_and_writes_nothing(call, tree, colleague, volunteer):
    before = Volunteer.objects.count()
    bad = call(colleague, "post", "/volunteers/", {"org": tree.a1a.pk, "name": "刘春梅", "phone": "12345"})
    assert bad.status_code == 422 and "联系电话（phone）" in bad.json()["detail"]
    again = call(
        colleague, "post", "/volunteers/", {"org": tree.a1a.pk, "name": "另一人", "phone": "13904511234"}
    )
    assert again.status_code == 422
    blank = call(colleague, "post", "/volunteers/", {"org": tree.a1a.pk, "name": " "})
    assert blank.status_code == 422 and "名称（name）" in blank.json()["detail"]
    assert Volunteer.objects.count() == before


def test_sec3_the_sibling_districts_units_and_volunteers_are_not_found(call, tree, colleague, nangang):
    theirs = services.register_volunteer(None, org=tree.b1, name="孙某")
    assert call(colleague, "post", "/volunteers/", {"org": tree.b1.pk, "name": "某人"}).status_code == 404
    assert call(colleague, "post", f"/volunteers/{theirs.pk}/request-account/").status_code == 404
    theirs.refresh_from_db()
    assert not theirs.account_requested and Volunteer.objects.count() == 1


def test_sec5_prj5_the_account_flow_keeps_the_three_roles_apart(
    call, tree, volunteer, colleague, district_sysadmin, district_secadmin
):
    assert (
        call(colleague, "post", f"/volunteers/{volunteer.pk}/request-account/").json()["has_account"] is False
    )
    volunteer.refresh_from_db()
    assert volunteer.account_requested
    # a cadre and the security administrator cannot issue; the system administrator can
    for who in (colleague, district_secadmin):
        assert call(who, "post", f"/volunteers/{volunteer.pk}/account/").status_code == 403
    assert User.objects.filter(position=Position.VOLUNTEER).count() == 0
    issued = call(district_sysadmin, "post", f"/volunteers/{volunteer.pk}/account/")
    assert issued.status_code == 201
    user = User.objects.get(uuid=issued.json()["user"])
    assert user.check_password(issued.json()["password"]) and user.must_change_password
    assert not user.roles.exists()
    # the system administrator and a cadre cannot grant the role; the security administrator can
    for who in (colleague, district_sysadmin):
        assert call(who, "post", f"/volunteers/{volunteer.pk}/grant-role/").status_code == 403
    assert call(district_secadmin, "post", f"/volunteers/{volunteer.pk}/grant-role/").status_code == 200
    assert list(user.roles.values_list("code", flat=True)) == ["volunteer"]


def test_prj5_a_household_with_its_elders_names_masked(call, tree, colleague):
    woman = make_woman(tree.a1a, "王桂芝")
    body = {
        "org": tree.a1a.pk,
        "address": "友谊路1号",
        "phone": "13904510001",
        "elders": [
            {"name": "王桂芝", "birth_year": 1936, "woman": str(woman.pk)},
            {"name": "李大爷", "sex": "M"},
        ],
    }
    response = call(colleague, "post", "/households/", body)
    assert response.status_code == 201, response.content
    names = [e["name"] for e in response.json()["elders"]]
    assert "王桂芝" not in names and len(names) == 2
    household = Household.objects.get(pk=response.json()["id"])
    assert household.elders.filter(woman=woman).exists()


def test_prj5_a_household_needs_elders_and_a_known_woman(call, tree, colleague):
    before = Household.objects.count(), ElderlyPerson.objects.count()
    none = call(colleague, "post", "/households/", {"org": tree.a1a.pk, "address": "友谊路2号", "elders": []})
    assert none.status_code == 422 and "老人（elders）" in none.json()["detail"]
    year = call(
        colleague,
        "post",
        "/households/",
        {"org": tree.a1a.pk, "address": "友谊路2号", "elders": [{"name": "某", "birth_year": 2010}]},
    )
    assert year.status_code == 422 and "老人（elders）" in year.json()["detail"]
    theirs = make_woman(tree.b1, "孙某")
    foreign = call(
        colleague,
        "post",
        "/households/",
        {"org": tree.a1a.pk, "address": "友谊路2号", "elders": [{"name": "某", "woman": str(theirs.pk)}]},
    )
    assert foreign.status_code == 404
    assert (Household.objects.count(), ElderlyPerson.objects.count()) == before


def test_prj5_a_pair_is_ended_by_a_cadre_of_its_unit(call, tree, volunteer, colleague, nangang):

    project = _sunset_project(tree)
    home = services.add_household(None, org=tree.a1a, address="友谊路3号", elders=[{"name": "王桂芝"}])
    pair = services.pair(None, project=project, volunteer=volunteer, household=home, started_on=DAY)
    early = call(colleague, "post", f"/volunteer-pairs/{pair.pk}/end/", {"ended_on": "2014-04-01"})
    assert early.status_code == 422 and "ended_on" in early.json()["errors"]
    assert (
        call(nangang, "post", f"/volunteer-pairs/{pair.pk}/end/", {"ended_on": "2014-06-01"}).status_code
        == 404
    )
    pair.refresh_from_db()
    assert pair.ended_on is None
    response = call(
        colleague, "post", f"/volunteer-pairs/{pair.pk}/end/", {"ended_on": "2014-06-01", "reason": "搬家"}
    )
    assert response.status_code == 200 and response.json()["ended_on"] == "2014-06-01"
    assert VolunteerPair.objects.get(pk=pair.pk).notes.endswith("搬家")


def _sunset_project(tree):
    from fuqing.campaigns.models import Campaign
    from fuqing.projects.models import Measure, Source, Unit

    campaign = Campaign.objects.create(
        org=tree.city, year=2014, name="活动", theme="主题", starts_on=DAY, ends_on=datetime.date(2014, 8, 31)
    )
    project = services.create_project(None, org=tree.city, campaign=campaign, name="爱心暖夕阳")
    services.add_indicator(
        None,
        project,
        name="结对家庭",
        unit=Unit.HOUSEHOLD,
        target=10,
        source=Source.VOLUNTEER_PAIRS,
        measure=Measure.HOUSEHOLDS,
    )
    return project


def test_prj5_a_household_is_changed_by_a_cadre_of_its_unit(call, tree, colleague, nangang):
    from fuqing.core.models import AuditEvent

    home = services.add_household(None, org=tree.a1a, address="友谊路5号", elders=[{"name": "王桂芝"}])
    services.add_household(None, org=tree.a1a, address="友谊路6号", elders=[{"name": "李桂兰"}])
    clash = call(colleague, "patch", f"/households/{home.pk}/", {"address": "友谊路6号"})
    assert clash.status_code == 422 and "住址（address）" in clash.json()["detail"]
    phone = call(colleague, "patch", f"/households/{home.pk}/", {"phone": "123"})
    assert phone.status_code == 422 and "联系电话（phone）" in phone.json()["detail"]
    assert call(nangang, "patch", f"/households/{home.pk}/", {"address": "改"}).status_code == 404
    home.refresh_from_db()
    assert home.address == "友谊路5号" and home.phone == ""
    response = call(
        colleague, "patch", f"/households/{home.pk}/", {"address": "友谊路7号", "phone": "13904510007"}
    )
    assert response.status_code == 200 and response.json()["address"] == "友谊路7号"
    assert response.json()["phone"] != "13904510007"
    event = AuditEvent.objects.filter(action="update", object_id=str(home.pk)).latest("seq")
    assert event.details == {"fields": ["address", "phone"]} and "13904510007" not in str(event.details)
