"""RES-1: key research topics — who sets them, who leads them, and the list that flags what is amiss."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.orgs.models import Position
from fuqing.research.models import Topic
from fuqing.research.services import topics as services
from tests.conftest import make_user

YEAR = 2014


def _topic(actor, org, leader, title="失地妇女就业调研", year=YEAR):
    return services.create_topic(actor, org=org, year=year, title=title, leader=leader)


def test_res1_department_topic_is_led_by_the_city_chair_or_a_vice_chair(
    tree, dept_cadre, city_leader, vice_chair
):
    topic = _topic(dept_cadre, tree.research, city_leader)
    assert topic.leader == city_leader
    assert _topic(dept_cadre, tree.research, vice_chair, title="第二个课题").leader == vice_chair


def test_res1_department_topic_led_by_someone_else_is_refused(tree, dept_cadre, daoli):
    with pytest.raises(ValidationError) as caught:
        _topic(dept_cadre, tree.research, daoli)
    assert "主席或副主席" in caught.value.message_dict["leader"][0]
    assert not Topic.objects.exists()


def test_res1_district_topic_is_led_by_its_own_chair(tree, a_chair, daoli, b_chair):
    assert _topic(daoli, tree.a, a_chair).leader == a_chair
    with pytest.raises(ValidationError) as caught:
        _topic(daoli, tree.a, daoli, title="副主席带队")  # a vice-chair is not the chair
    assert "主席带队" in caught.value.message_dict["leader"][0]
    with pytest.raises(ValidationError):
        _topic(daoli, tree.a, b_chair, title="别区主席")  # another district's chair


def test_res1_only_departments_and_districts_set_topics(tree, daoli, a_chair):
    with pytest.raises(ValidationError) as caught:
        _topic(daoli, tree.a1, a_chair)
    assert "org" in caught.value.message_dict


def test_res1_topics_are_set_only_within_the_edit_scope(tree, nangang, a_chair):
    with pytest.raises(PermissionDenied):
        _topic(nangang, tree.a, a_chair)


def test_res1_a_districts_second_topic_is_kept_with_a_warning(tree, daoli, a_chair):
    _topic(daoli, tree.a, a_chair)
    assert "多报" in services.extra_warning(tree.a, YEAR)
    _topic(daoli, tree.a, a_chair, title="第二个课题")
    assert Topic.objects.filter(org=tree.a).count() == 2


def _flags(rows, org):
    row = next(r for r in rows if r.org == org)
    return [code for code, _message, _topic in row.flags]


def test_res1_check_flags_missing_extra_and_wrongly_led_topics(
    tree, researcher, daoli, a_chair, b_chair, nangang, dept_cadre, city_leader
):
    _topic(daoli, tree.a, a_chair)
    _topic(daoli, tree.a, a_chair, title="第二个课题")  # extra
    _topic(dept_cadre, tree.research, city_leader)
    rows = services.compliance(researcher, YEAR)
    assert {r.org for r in rows} == {tree.research, tree.a, tree.b}  # down the tree, for the research office
    assert _flags(rows, tree.a) == ["extra"]
    assert _flags(rows, tree.b) == ["missing"]
    assert _flags(rows, tree.research) == []
    # the chair of A steps down: her topics are now wrongly led
    a_chair.position = Position.VICE_CHAIR_FULL
    a_chair.save()
    rows = services.compliance(researcher, YEAR)
    assert _flags(rows, tree.a) == ["extra", "wrong_leader", "wrong_leader"]


def test_res1_check_flags_a_topic_set_where_none_belongs(tree, researcher, daoli, a_chair):
    Topic.objects.create(org=tree.a1, year=YEAR, title="街道课题", leader=a_chair)
    rows = services.compliance(researcher, YEAR)
    assert _flags(rows, tree.a1) == ["wrong_unit"]


def test_res1_district_sees_only_its_own_row(tree, daoli, a_chair):
    rows = services.compliance(daoli, YEAR)
    assert [r.org for r in rows] == [tree.a]


def test_res1_check_page_shows_the_flags_with_bounded_queries(
    tree, login_as, researcher, daoli, a_chair, django_assert_max_num_queries
):
    _topic(daoli, tree.a, a_chair)
    for n in range(5):  # more districts do not mean more queries
        make_user(tree.city, "cadre")
        from fuqing.orgs.services import add_org

        add_org(None, parent=tree.city, name=f"区{n}", kind="district")
    client = login_as(researcher)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("research:topic-check"), {"year": YEAR})
    body = response.content.decode()
    assert response.status_code == 200
    assert "未确定课题" in body and "南岗区妇联" in body and "失地妇女就业调研" in body
    missing = client.get(reverse("research:topic-check"), {"year": YEAR, "flag": "missing"}).content.decode()
    assert "南岗区妇联" in missing and "道里区妇联" not in missing.split("<main")[1]


def test_res1_topic_pages_create_show_and_edit(tree, login_as, daoli, a_chair):
    client = login_as(daoli)
    form = client.get(reverse("research:topic-add")).content.decode()
    assert "赵淑华" in form  # the district's chair is offered as leader
    response = client.post(
        reverse("research:topic-add"),
        {"org": tree.a.pk, "year": YEAR, "title": "留守妇女调研", "leader": a_chair.pk, "members": "李秀英"},
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and topic.title == "留守妇女调研"
    assert "留守妇女调研" in client.get(reverse("research:topic-detail", args=[topic.pk])).content.decode()
    response = client.post(
        reverse("research:topic-edit", args=[topic.pk]),
        {"year": YEAR, "title": "留守妇女生活状况调研", "leader": a_chair.pk},
    )
    topic.refresh_from_db()
    assert topic.title == "留守妇女生活状况调研"


def test_res1_topic_form_names_the_field_and_the_rule(tree, login_as, daoli):
    client = login_as(daoli)
    response = client.post(
        reverse("research:topic-add"), {"org": tree.a.pk, "year": YEAR, "title": "", "leader": ""}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "课题名称" in body and not Topic.objects.exists()
