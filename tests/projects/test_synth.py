"""Synthetic projects (``manage.py synth``): the projects at the root, targets split down every level
so each split adds up (or is a flagged draft), a year of progress, beneficiaries and pairs."""

from __future__ import annotations

import random

from django.db.models import Sum

from fuqing.core.synth import SynthContext
from fuqing.orgs import services as org_services
from fuqing.orgs.models import OrgKind
from fuqing.projects import synth
from fuqing.projects.models import Beneficiary, Indicator, ProgressEntry, Target, VolunteerPair
from fuqing.registry import synth as registry_synth


def test_prj_synth_builds_projects_split_targets_progress_beneficiaries_and_pairs(tree, monkeypatch):
    org_services.add_org(None, parent=tree.b1, name="花园社区", kind=OrgKind.COMMUNITY)
    monkeypatch.setitem(synth.BENEFICIARIES, "city", 300)
    monkeypatch.setitem(synth.ROOT_TARGETS, "city", {**synth.ROOT_TARGETS["city"], "结对巾帼志愿者": 20})
    monkeypatch.setitem(registry_synth.WOMEN_PER_COMMUNITY, "city", 150)
    ctx = SynthContext(scale="city", rng=random.Random(1))
    registry_synth.synth_women(ctx, workers=1)  # the registry's step runs first (order 30)
    synth.synth_projects(ctx)

    jobs = Indicator.objects.get(name="提供就业岗位")
    assert jobs.project.org == tree.city and jobs.target == 30000
    for parent in (tree.city, tree.a, tree.b):
        parts = Target.objects.filter(
            indicator=jobs, org__path__startswith=parent.path, org__depth=parent.depth + 1
        )
        whole = jobs.target if parent == tree.city else Target.objects.get(indicator=jobs, org=parent).value
        total = parts.aggregate(total=Sum("value"))["total"]
        assert total == whole or set(parts.values_list("draft", flat=True)) == {True}
    months = set(ProgressEntry.objects.filter(indicator=jobs).values_list("month__month", flat=True))
    assert months == set(range(1, 13))
    assert set(ProgressEntry.objects.values_list("org__kind", flat=True)) == {OrgKind.TOWNSHIP}
    assert 0 < Beneficiary.objects.count() <= 300
    keys = Beneficiary.objects.values_list("woman_id", "project_id", "help_kind", "received_on")
    assert len(set(keys)) == len(keys)  # the same help once
    assert VolunteerPair.objects.count() == 18
