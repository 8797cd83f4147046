"""Demo field work for Harbin 2014 and the synthetic-data step (``manage.py synth``)."""

from __future__ import annotations

import random
from collections import Counter

from django.db.models import Sum

from fuqing.core.synth import SynthContext
from fuqing.fieldwork import synth
from fuqing.fieldwork.models import ContactPoint, Questionnaire, Response, Visit, VisitDay, VisitMember
from fuqing.orgs.models import Position, Rank
from tests.conftest import make_user


def test_demo_loads_contact_points_visits_and_a_questionnaire(db):
    from fuqing.core.loaders import load_all_demo

    load_all_demo("Demo@2014pass")
    keepers = set(ContactPoint.objects.exclude(keeper=None).values_list("keeper__username", flat=True))
    assert {"city", "daoli", "nangang"} <= keepers
    assert ContactPoint.objects.filter(keeper=None, org__name="研究室").exists()
    visits = Visit.objects.filter(year=2014)  # the dashboard's demo adds a smaller 2013 (last year)
    assert 30 <= visits.count() <= 60
    assert {v.started_on.month for v in visits} <= {4, 5, 6, 7, 8} and all(v.year == 2014 for v in visits)
    stays = [v for v in visits if v.method == "stationed"]
    assert stays and all(v.days >= 7 for v in stays)
    assert visits.filter(started_on__month=4).count() > visits.filter(started_on__month=5).count()
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.is_open and Response.objects.filter(questionnaire=questionnaire).count() >= 30
    days = VisitDay.objects.filter(visit__year=2014).count()
    expected = sum(v.days * v.memberships.count() for v in visits)
    assert days == expected


def test_synth_adds_visits_with_realistic_shape(tree, monkeypatch):
    for org in (tree.city, tree.a, tree.b):
        make_user(
            org, "leader", position=Position.CHAIR, rank=Rank.DIVISION if org != tree.city else Rank.BUREAU
        )
    for org in (tree.a, tree.a1, tree.a1a, tree.b, tree.b1):
        make_user(org, "cadre", position=Position.CADRE, rank=Rank.SECTION)
        make_user(org, "cadre", position=Position.VICE_CHAIR_PART, rank=Rank.SECTION)
    from fuqing.orgs import services as org_services
    from fuqing.orgs.models import OrgKind

    org_services.add_org(None, parent=tree.b1, name="花园社区", kind=OrgKind.COMMUNITY)
    monkeypatch.setattr(synth, "PROVINCE_VISITS", 3000)
    monkeypatch.setattr(synth, "CHUNK", 700)  # several flushes
    ctx = SynthContext(scale="province", rng=random.Random(7))
    synth.synth_fieldwork(ctx)
    visits = Visit.objects.all()
    assert 2800 <= visits.count() <= 3300 and ctx.made["visits"] == visits.count()
    months = Counter(visits.values_list("started_on__month", flat=True))
    assert months.most_common(1)[0][0] == 4
    stays = visits.filter(method="stationed")
    assert stays.exists()
    lengths = {(v.ended_on - v.started_on).days + 1 for v in stays}
    assert min(lengths) >= 7 and max(lengths) <= 20
    assert visits.filter(led_by_leader=True).exists() and visits.filter(led_by_leader=False).exists()
    assert VisitMember.objects.filter(is_lead=True).count() == visits.count()
    members = Counter(VisitMember.objects.values_list("visit_id", flat=True))
    expected = sum(((v.ended_on - v.started_on).days + 1) * members[v.pk] for v in visits)
    assert VisitDay.objects.count() == expected
    assert ContactPoint.objects.filter(keeper__position=Position.CHAIR).exists()
    assert visits.aggregate(n=Sum("women_met"))["n"] > 0
    from fuqing.fieldwork import stats

    senior = [u for u in tree.city.users.model.objects.filter(rank__in=[Rank.BUREAU, Rank.DIVISION])]
    days = [stats.grassroots_days(u, 2014) for u in senior]
    assert all(5 <= d <= 130 for d in days)
