"""Leaders lead (issue 13 point 3, SUP-4): each leader's year measured; leaders and departments without a
contact point or a pair flagged; the commendation list decided by people, with a reason, audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fuqing.assistance.models import Action, Pairing, PairingHelper
from fuqing.core.models import AuditEvent
from fuqing.fieldwork.models import ContactPoint, Visit, VisitDay, VisitMember
from fuqing.orgs.models import Position, Rank
from fuqing.oversight.models import Recommendation
from fuqing.oversight.services import cadres
from fuqing.research.models import Topic
from tests.conftest import make_user
from tests.oversight.conftest import need

DAY = datetime.date(2014, 4, 15)


def _record(actor, org, person, year=2014):
    return cadres.leaders_queryset(actor, org, year).get(pk=person.pk)


def test_sup4_a_leaders_year_is_measured_from_the_data(tree, daoli, city_leader):
    point = ContactPoint.objects.create(org=tree.a, place=tree.a1a, keeper=daoli, since_year=2014)
    stay = Visit.objects.create(
        org=tree.a,
        place=tree.a1a,
        contact_point=point,
        started_on=DAY,
        ended_on=DAY + datetime.timedelta(days=6),
        method="stationed",
        lead=daoli,
    )
    VisitMember.objects.create(visit=stay, user=daoli, is_lead=True)
    for n in range(7):
        VisitDay.objects.create(visit=stay, user=daoli, day=DAY + datetime.timedelta(days=n))
    other = Visit.objects.create(
        org=tree.a, place=tree.a1, started_on=DAY, ended_on=DAY, method="forum", lead=daoli
    )
    VisitDay.objects.create(visit=other, user=daoli, day=DAY)  # the same day again: counted once
    Topic.objects.create(org=tree.a, year=2014, title="课题", leader=daoli)
    pairing = Pairing.objects.create(
        org=tree.a, kind="one_to_one", household="王家", starts_on=DAY, year=2014
    )
    PairingHelper.objects.create(pairing=pairing, user=daoli)
    solved = need(tree.a1a, status="resolved", closed=(2014, 5, 1))
    Action.objects.create(org=tree.a, need=solved, pairing=pairing, service="policy", given_on=DAY, year=2014)
    row = _record(city_leader, tree.city, daoli)
    assert (row.days, row.stays, row.led_visits, row.research_led, row.pairs, row.needs_resolved) == (
        7,
        1,
        2,
        1,
        1,
        1,
    )
    assert cadres.flags_of(row) == []


def test_sup4_leaders_without_a_contact_point_or_a_pair_are_flagged(tree, daoli, city_leader, login_as):
    row = _record(city_leader, tree.city, daoli)
    assert cadres.flags_of(row) == ["no_contact_point", "no_pair"]
    page = login_as(city_leader).get("/oversight/cadres/?year=2014&flag=no_pair").content.decode()
    assert "daoli" in page and "无联系点" in page and "无结对" in page
    assert "研究室" in page  # a department without a contact point or a pair, flagged too


def test_sup4_only_leaders_are_listed(tree, daoli, colleague, city_leader):
    ids = set(cadres.leaders_queryset(city_leader, tree.city, 2014).values_list("pk", flat=True))
    assert daoli.pk in ids and colleague.pk not in ids


def test_sup4_the_list_takes_one_query_for_its_figures(
    tree, city_leader, login_as, django_assert_max_num_queries
):
    for _n in range(15):
        make_user(tree.a1, "cadre", position=Position.VICE_CHAIR_PART, rank=Rank.SECTION)
    client = login_as(city_leader)
    client.get("/")
    with django_assert_max_num_queries(25):
        assert client.get("/oversight/cadres/?year=2014").status_code == 200


def test_sup4_a_person_decides_a_recommendation_with_a_reason_audited(tree, daoli, city_leader, login_as):
    client = login_as(city_leader)
    page = client.post(
        f"/oversight/cadres/{daoli.pk}/recommend/", {"year": "2014", "recommended": "1", "reason": " "}
    )
    assert "理由" in page.content.decode() and not Recommendation.objects.exists()
    response = client.post(
        f"/oversight/cadres/{daoli.pk}/recommend/",
        {"year": "2014", "recommended": "1", "reason": "下基层天数全区第一"},
    )
    assert response.status_code == 302
    row = Recommendation.objects.get(person=daoli)
    assert row.recommended and row.decided_by == city_leader and row.org == tree.a
    assert AuditEvent.objects.filter(object_type="oversight.recommendation", object_id=str(row.pk)).exists()
    listing = client.get("/oversight/recommendations/?year=2014").content.decode()
    assert "下基层天数全区第一" in listing


def test_sup4_a_sibling_district_cannot_recommend_or_see(tree, daoli, nangang, login_as):
    client = login_as(nangang)
    assert client.get(f"/oversight/cadres/{daoli.pk}/recommend/").status_code == 404
    with pytest.raises(PermissionDenied):
        cadres.recommend(nangang, daoli, 2014, recommended=True, reason="x")
    cadres.recommend(None, daoli, 2014, recommended=True, reason="实绩突出")
    assert "实绩突出" not in client.get("/oversight/recommendations/?year=2014").content.decode()


def test_sup4_a_recommendation_needs_a_reason(tree, daoli, city_leader):
    with pytest.raises(ValidationError) as exc:
        cadres.recommend(city_leader, daoli, 2014, recommended=True, reason="")
    assert "理由：" in exc.value.message_dict["reason"][0]
