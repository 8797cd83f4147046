"""Women's groups and flexible organisations (BLD-2, BLD-5); term elections and teams (BLD-3)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fuqing.building import coverage, services
from fuqing.building.models import Election, GroupKind, GroupMember, TeamMember, WomensGroup
from fuqing.registry.models import Woman
from tests.scoped_factories.building import group


def _woman(org, name="李秀珍"):
    return Woman.objects.create(org=org, name=name, registered_on=datetime.date(2014, 4, 1))


def test_bld2_a_group_with_a_leader_and_members_from_the_registry(client, tree, daoli):
    leader, member = _woman(tree.a1a, "王桂芝"), _woman(tree.a1a, "刘凤霞")
    client.force_login(daoli)
    response = client.post(
        "/building/groups/add/",
        {
            "org": tree.a1a.pk,
            "name": "王家屯妇女小组",
            "kind": GroupKind.NATURAL_VILLAGE,
            "place": "王家屯",
            "leader": leader.pk,
            "is_active": "on",
        },
    )
    g = WomensGroup.objects.get()
    assert response.status_code == 302 and g.leader == leader
    client.post(f"/building/groups/{g.pk}/members/add/", {"women": [member.pk]})
    assert set(GroupMember.objects.values_list("woman__name", flat=True)) == {"王桂芝", "刘凤霞"}
    page = client.get(f"/building/groups/{g.pk}/").content.decode()
    assert "王桂芝" not in page and leader.masked_name in page  # masked
    total = coverage.total(tree.a, 2014, datetime.date(2014, 8, 31))
    assert total.communities_with_group == 1 and total.group_coverage == 1


def test_bld2_a_leader_from_another_district_is_refused_and_nothing_is_written(client, tree, daoli):
    outsider = _woman(tree.b1, "外区妇女")
    client.force_login(daoli)
    response = client.post(
        "/building/groups/add/",
        {"org": tree.a1a.pk, "name": "小组", "kind": GroupKind.BUILDING, "leader": outsider.pk},
    )
    assert response.status_code == 200 and "组长" in response.content.decode()
    assert not WomensGroup.objects.exists()
    with pytest.raises(ValidationError):
        services.create_group(
            daoli,
            tree.a1,
            name="小组",
            kind=GroupKind.BUILDING,
            leader=_woman(tree.a),
        )


def test_bld5_flexible_organisations_are_counted_and_filtered(client, tree, daoli, nangang):
    services.create_group(daoli, tree.a, name="道里区巾帼志愿者协会", kind=GroupKind.CONCERN)
    services.create_group(daoli, tree.a1a, name="手工编织小组", kind=GroupKind.INTEREST)
    group(tree.b1, "花园街道楼栋小组")
    client.force_login(daoli)
    text = client.get("/building/groups/?kind=flexible").content.decode()
    assert "道里区巾帼志愿者协会" in text and "手工编织小组" in text and "花园街道楼栋小组" not in text
    assert coverage.total(tree.a, 2014, datetime.date(2014, 8, 31)).flexible_groups == 2
    client.force_login(nangang)
    assert "手工编织小组" not in client.get("/building/groups/").content.decode()


def test_bld3_terms_are_five_years_above_and_three_for_communities_unless_configured(tree, daoli, settings):
    street = services.record_election(
        daoli, tree.a1, held_on=datetime.date(2011, 9, 1), members=[{"role": "chair", "name": "甲"}]
    )
    village = services.record_election(
        daoli, tree.a1a, held_on=datetime.date(2011, 9, 1), members=[{"role": "chair", "name": "乙"}]
    )
    assert street.next_due == datetime.date(2016, 9, 1) and village.next_due == datetime.date(2014, 9, 1)
    settings.TERM_YEARS_GRASSROOTS = 5
    assert services.term_years(tree.a1a) == 5


def test_bld3_recording_an_election_replaces_the_team_and_keeps_history(client, tree, daoli):
    services.record_election(
        daoli, tree.a1, held_on=datetime.date(2006, 9, 1), members=[{"role": "chair", "name": "老主席"}]
    )
    client.force_login(daoli)
    response = client.post(
        f"/building/elections/units/{tree.a1.pk}/record/",
        {
            "held_on": "2011-09-20",
            "term_years": 5,
            "chair": "刘春梅",
            "vice_full": "",
            "vice_part": "郑丽萍",
            "members": "许晓燕\n何丽华",
        },
    )
    assert response.status_code == 302
    current = Election.objects.current().get(org=tree.a1)
    assert current.held_on == datetime.date(2011, 9, 20) and Election.objects.filter(org=tree.a1).count() == 2
    assert set(current.members.values_list("name", flat=True)) == {"刘春梅", "郑丽萍", "许晓燕", "何丽华"}
    page = client.get(f"/building/elections/units/{tree.a1.pk}/").content.decode()
    assert "缺专职副主席" in page and "老主席" in page and "历届班子" in page


def test_bld3_incomplete_teams_and_overdue_elections_are_listed_for_the_parent(
    client, tree, daoli, django_assert_max_num_queries
):
    services.record_election(
        daoli, tree.a1, held_on=datetime.date(2013, 1, 5), members=[{"role": "vice_part", "name": "甲"}]
    )
    services.record_election(
        daoli, tree.a1a, held_on=datetime.date(2010, 1, 5), members=[{"role": "chair", "name": "乙"}]
    )
    client.force_login(daoli)
    with django_assert_max_num_queries(16):
        text = client.get("/building/elections/?year=2014").content.decode()
    assert "缺主席" in text and "逾期未换届" in text and "无换届记录" in text  # 道里区 itself has none
    home = client.get("/").content.decode()
    assert "班子不全或逾期未换届的下级" in home and "新阳路街道" in home


def test_bld3_a_refused_election_changes_nothing_and_the_sibling_cannot_record(client, tree, daoli, nangang):
    services.record_election(
        daoli, tree.a1, held_on=datetime.date(2011, 1, 5), members=[{"role": "chair", "name": "甲"}]
    )
    client.force_login(daoli)
    bad = client.post(
        f"/building/elections/units/{tree.a1.pk}/record/",
        {"held_on": "2014-01-05", "term_years": 5, "chair": "甲\n乙"},
    )
    assert bad.status_code == 200 and "一届班子只能有一位主席" in bad.content.decode()
    assert Election.objects.count() == 1 and TeamMember.objects.count() == 1
    client.force_login(nangang)
    response = client.post(
        f"/building/elections/units/{tree.a1.pk}/record/",
        {"held_on": "2014-01-05", "term_years": 5, "chair": "乙"},
    )
    assert response.status_code == 404 and Election.objects.count() == 1


def test_bld3_an_overdue_election_reminds_the_unit_and_its_parent_until_the_next_is_recorded(
    tree, daoli, colleague
):
    from fuqing.building.reminders import SOURCE, generate_reminders
    from fuqing.core.models import Reminder
    from tests.conftest import make_user

    street_leader = make_user(tree.a1, "leader")
    services.record_election(
        daoli, tree.a1, held_on=datetime.date(2009, 5, 1), members=[{"role": "chair", "name": "甲"}]
    )
    assert generate_reminders(datetime.date(2014, 8, 1)) == 3  # the street's leader, and 道里区's two
    assert generate_reminders(datetime.date(2014, 8, 1)) == 0  # idempotent
    reminder = Reminder.objects.filter(source=SOURCE, user=daoli).get()
    assert "尚未换届" in reminder.title and reminder.kind == "overdue"
    services.record_election(
        daoli, tree.a1, held_on=datetime.date(2014, 9, 1), members=[{"role": "chair", "name": "乙"}]
    )
    assert not Reminder.objects.filter(source=SOURCE, resolved_at__isnull=True).exists()
    assert street_leader.org == tree.a1 and colleague.org == tree.a
