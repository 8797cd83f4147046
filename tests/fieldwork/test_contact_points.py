"""Contact points (FLD-1): kept by a leadership member or a department, listed with their last visit,
beside the communities nobody has visited this year."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.core.models import AuditEvent
from fuqing.fieldwork import services
from fuqing.fieldwork.models import ContactPoint
from fuqing.orgs import services as org_services
from fuqing.orgs.models import OrgKind
from tests.conftest import make_user
from tests.fieldwork.conftest import record


def _point(actor, org, place, keeper=None, **extra):
    return services.save_contact_point(
        actor,
        None,
        services.ContactPointData(org=org, place=place, keeper=keeper, since_year=2014, **extra),
    )


def test_fld1_a_leadership_member_keeps_a_community_as_her_contact_point(tree, daoli, login_as):
    client = login_as(daoli)
    response = client.post(
        reverse("fieldwork:contact-point-add"),
        {
            "org": tree.a.pk,
            "keeper": daoli.pk,
            "place": tree.a1a.pk,
            "contact_name": "王丽",
            "contact_phone": "13800001234",
            "since_year": "2014",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    cp = ContactPoint.objects.get()
    assert (cp.org, cp.keeper, cp.place) == (tree.a, daoli, tree.a1a)
    assert cp.contact_phone == "13800001234"  # encrypted at rest, plain in Python


def test_fld1_a_city_department_keeps_one_in_a_district(tree, city_leader):
    cp = _point(city_leader, tree.research, tree.a1a)
    assert cp.keeper is None and cp.org == tree.research


def test_fld1_a_contact_point_is_a_district_township_or_community(tree, daoli):
    group = org_services.add_org(None, parent=tree.a1a, name="1号楼妇女小组", kind=OrgKind.WOMENS_GROUP)
    with pytest.raises(ValidationError) as caught:
        _point(daoli, tree.a, group, daoli)
    assert "不能是妇女小组" in caught.value.message_dict["place"][0]


def test_fld1_a_contact_point_lies_within_the_keeping_federation(tree, daoli, community_b):
    with pytest.raises(ValidationError) as caught:
        _point(daoli, tree.a, community_b, daoli)
    assert "道里区妇联" in caught.value.message_dict["place"][0]


def test_fld1_the_keeper_is_a_leadership_member_of_the_unit(tree, daoli, colleague):
    with pytest.raises(ValidationError) as caught:
        _point(daoli, tree.a, tree.a1a, colleague)
    assert "班子成员" in caught.value.message_dict["keeper"][0]


def test_fld1_the_same_place_is_not_kept_twice_by_the_same_person(tree, daoli):
    _point(daoli, tree.a, tree.a1a, daoli)
    with pytest.raises(ValidationError) as caught:
        _point(daoli, tree.a, tree.a1a, daoli)
    assert "已经是该单位" in caught.value.message_dict["place"][0]


def test_fld1_a_phone_number_must_look_like_one(tree, daoli):
    with pytest.raises(ValidationError) as caught:
        _point(daoli, tree.a, tree.a1a, daoli, contact_phone="12345")
    assert "联系电话" in caught.value.message_dict["contact_phone"][0]


def test_fld1_the_list_shows_each_contact_point_with_its_last_visit(tree, daoli, login_as):
    cp = _point(daoli, tree.a, tree.a1a, daoli)
    record(daoli, start=datetime.date(2014, 4, 15), contact_point=cp)
    record(daoli, start=datetime.date(2014, 6, 2), contact_point=cp)
    page = login_as(daoli).get(reverse("fieldwork:contact-points"), {"year": 2014})
    row = page.context["page"][0]
    assert row.last_visit == datetime.date(2014, 6, 2) and row.visit_count == 2
    assert "2014-06-02" in page.content.decode()


def test_fld1_communities_nobody_visited_this_year_are_listed(
    tree, daoli, community_b, login_as, city_leader
):
    second = org_services.add_org(None, parent=tree.a1, name="建国社区", kind=OrgKind.COMMUNITY)
    record(daoli, start=datetime.date(2014, 4, 15), place=tree.a1a)
    record(daoli, start=datetime.date(2013, 4, 15), place=second)  # last year does not count
    page = login_as(daoli).get(reverse("fieldwork:contact-points"), {"year": 2014})
    names = [org.name for org, _parent in page.context["unvisited"]]
    assert names == ["建国社区"]  # 友谊社区 visited; 花园社区 is another district's
    html = page.content.decode()
    assert "2014年还没有人走访的社区(村)：1 个" in html and "新阳路街道" in html
    # a visit made by another unit (the city) counts too
    record(city_leader, start=datetime.date(2014, 5, 1), place=second)
    page = login_as(daoli).get(reverse("fieldwork:contact-points"), {"year": 2014})
    assert page.context["unvisited"] == []


def test_fld1_the_list_issues_a_bounded_number_of_queries(
    tree, daoli, login_as, django_assert_max_num_queries
):
    for index in range(15):
        place = org_services.add_org(None, parent=tree.a1, name=f"社区{index}", kind=OrgKind.COMMUNITY)
        cp = _point(daoli, tree.a, place, daoli)
        record(daoli, start=datetime.date(2014, 4, 1 + index), contact_point=cp)
    client = login_as(daoli)
    with django_assert_max_num_queries(17):  # 16 + the top bar's reminder bell (one COUNT, D58)
        response = client.get(reverse("fieldwork:contact-points"), {"year": 2014})
    assert response.context["page"].paginator.count == 15


def test_org3_contact_points_of_a_sibling_district_stay_hidden(tree, daoli, nangang, login_as, community_b):
    cp = _point(nangang, tree.b, community_b)
    client = login_as(daoli)
    assert client.get(reverse("fieldwork:contact-point-detail", args=[cp.pk])).status_code == 404
    assert client.get(reverse("fieldwork:contact-points")).context["page"].paginator.count == 0


def test_reg3_the_contact_phone_is_masked_and_revealed_only_with_a_reason(tree, daoli, colleague, login_as):
    cp = _point(daoli, tree.a, tree.a1a, daoli, contact_name="王丽华", contact_phone="13800001234")
    page = login_as(colleague).get(reverse("fieldwork:contact-point-detail", args=[cp.pk])).content.decode()
    assert "138****1234" in page and "13800001234" not in page and "王*华" in page
    assert "显示" not in page  # a cadre holds no unmask permission
    denied = login_as(colleague).post(
        reverse("fieldwork:contact-point-reveal", args=[cp.pk]), {"reason": "联系"}
    )
    assert denied.status_code == 403
    client = login_as(daoli)
    assert (
        "请说明查看原因"
        in client.post(reverse("fieldwork:contact-point-reveal", args=[cp.pk])).content.decode()
    )
    shown = client.post(reverse("fieldwork:contact-point-reveal", args=[cp.pk]), {"reason": "安排走访"})
    assert "13800001234" in shown.content.decode()
    event = AuditEvent.objects.get(action="unmask", object_id=str(cp.pk))
    assert event.actor == daoli and event.details["reason"] == "安排走访"


def test_reg3_editing_without_unmask_keeps_the_masked_phone(tree, daoli, colleague, login_as):
    cp = _point(daoli, tree.a, tree.a1a, daoli, contact_phone="13800001234")
    client = login_as(colleague)
    form_page = client.get(reverse("fieldwork:contact-point-edit", args=[cp.pk])).content.decode()
    assert "13800001234" not in form_page and "138****1234" in form_page
    response = client.post(
        reverse("fieldwork:contact-point-edit", args=[cp.pk]),
        {
            "org": tree.a.pk,
            "keeper": daoli.pk,
            "place": tree.a1a.pk,
            "since_year": "2014",
            "notes": "每月一次",
        },
    )
    assert response.status_code == 302
    cp.refresh_from_db()
    assert cp.contact_phone == "13800001234" and cp.notes == "每月一次" and cp.is_active is False


def test_fld1_a_visit_from_the_contact_point_page_starts_with_it_selected(tree, daoli, login_as):
    cp = _point(daoli, tree.a, tree.a1a, daoli)
    form = login_as(daoli).get(reverse("fieldwork:visit-add"), {"contact_point": cp.pk}).context["form"]
    assert form.initial["contact_point"] == cp.pk


def test_fld1_a_user_without_edit_permission_cannot_add(tree, researcher, login_as):
    assert login_as(researcher).get(reverse("fieldwork:contact-point-add")).status_code == 403


def test_fld1_a_volunteer_sees_no_contact_points(tree, login_as):
    volunteer = make_user(tree.a1a, "volunteer")
    assert login_as(volunteer).get(reverse("fieldwork:contact-points")).status_code == 403
