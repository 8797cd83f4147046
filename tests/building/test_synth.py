"""``manage.py synth`` adds organisation building at scale (issue 12 point 7): a Home in every village
and community, groups, a current team for every federation, training and conditions — in bulk."""

from __future__ import annotations

import datetime
import random

from django.db.models import Count

from fuqing.building import coverage
from fuqing.building.models import Election, TeamMember, WomensGroup, WomensHome, WorkCondition
from fuqing.building.synth import synth_building
from fuqing.core.synth import SynthContext
from fuqing.orgs.models import Org, OrgKind


def test_bld_synth_gives_every_village_and_community_a_home_in_bounded_statements(
    tree, django_assert_max_num_queries
):
    from fuqing.orgs import services

    for n in range(30):
        services.add_org(None, parent=tree.a1, name=f"第{n}社区", kind=OrgKind.COMMUNITY)
    ctx = SynthContext(scale="city", rng=random.Random(1))
    with django_assert_max_num_queries(60):
        synth_building(ctx)
    communities = Org.objects.filter(kind=OrgKind.COMMUNITY).count()
    assert WomensHome.objects.filter(setting__is_place=True).values("org").distinct().count() == communities
    assert ctx.made["homes"] >= communities
    assert Election.objects.current().count() == Org.objects.federations().count()
    assert TeamMember.objects.exists() and WomensGroup.objects.exists() and WorkCondition.objects.exists()
    assert not Election.objects.values("org").annotate(n=Count("id")).filter(n__gt=1).exists()
    total = coverage.total(tree.city, 2014, datetime.date(2014, 8, 31))
    assert total.communities_with_home == total.communities == communities
