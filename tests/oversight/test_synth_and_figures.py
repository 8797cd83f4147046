"""Issue 13 point 7: ``synth`` adds schemes, inspectors' scores and cases in bulk; a figure another app
registers later (the building app's coverage) is scored as soon as it is there."""

from __future__ import annotations

import random
from decimal import Decimal

from fuqing.core import figures
from fuqing.core.synth import SynthContext
from fuqing.orgs.models import OrgKind
from fuqing.oversight.models import InspectorScore, PublicityItem, Scheme
from fuqing.oversight.services import scoring
from fuqing.oversight.synth import synth_oversight


def test_synth_adds_a_scheme_per_city_and_scores_every_district_and_street(
    tree, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40):  # bulk inserts: a fixed number of statements
        synth_oversight(SynthContext("city", random.Random(7)))
    schemes = Scheme.objects.filter(year=2014)
    assert schemes.count() == 2  # 哈尔滨 and 齐齐哈尔
    assert all(s.items.count() == 11 and sum(i.weight for i in s.items.all()) == 100 for s in schemes)
    assessed = {tree.a.pk, tree.a1.pk, tree.b.pk, tree.b1.pk}
    assert set(InspectorScore.objects.values_list("unit_id", flat=True)) == assessed
    assert PublicityItem.objects.filter(org__kind=OrgKind.TOWNSHIP).count() == 0


def test_a_figure_registered_later_is_scored_at_once(scheme, tree):
    key = "building.homes_coverage"
    known = figures.get_provider(key)
    item = scheme.items.get(figure_key=key)
    item.target = Decimal(100)
    item.save()

    def coverage(scope):
        return figures.Figure(key, "有妇女之家的村(社区)比例", Decimal("50.0"), "%", note="1 / 2 个村(社区)")

    try:
        figures.figure(key, "有妇女之家的村(社区)比例", replace=True)(coverage)
        sheet = next(s for s in scoring.ranking(scheme, "district") if s.unit == tree.a)
        homes = next(i for i in sheet.items if i.name == "妇女之家覆盖")
        assert homes.points == Decimal("10.0") and homes.value == "50%" and "1 / 2" in homes.note
    finally:
        if known is None:
            figures._PROVIDERS.pop(key, None)
        else:
            figures._PROVIDERS[key] = known
