"""The demo step (order 300), the synthetic-data step, and the navigation under 诉求与帮扶."""

from django.urls import reverse

from fuqing.assistance.models import Action, Need, NeedKeyword, Pairing, Suggestion
from fuqing.core.navigation import field_actions_for, navigation_for


def test_demo_step_uses_the_harbin_tree(db):
    from fuqing.core.loaders import load_all_demo

    summary = load_all_demo("Demo@2014pass")
    assert summary["assistance"]["needs"] >= 17
    assert (
        Need.objects.filter(status="resolved").exists() and Need.objects.filter(status="escalated").exists()
    )
    assert Pairing.objects.count() == 2 and Suggestion.objects.count() == 2 and Action.objects.count() == 6
    assert NeedKeyword.objects.filter(keyword="灵活就业", year=2014).exists()


def _registry_women(ctx, monkeypatch):
    """The registry's women step (order 30) runs before assistance's; a few women per community."""
    from fuqing.registry import synth as registry_synth

    monkeypatch.setitem(registry_synth.WOMEN_PER_COMMUNITY, "city", 2)
    registry_synth.synth_women(ctx, workers=1)


def test_synth_step_makes_needs_pairings_actions_with_keywords(db, monkeypatch):
    import random

    from fuqing.assistance import synth
    from fuqing.core.synth import SynthContext
    from fuqing.orgs.synth import synth_orgs, synth_users

    monkeypatch.setitem(synth.SCALES, "city", {"needs": 300, "pairings": 30, "actions": 100})
    ctx = SynthContext(scale="city", rng=random.Random(1))
    synth_orgs(ctx)
    synth_users(ctx)
    _registry_women(ctx, monkeypatch)
    synth.synth_assistance(ctx)
    assert Need.objects.count() == 300 and Pairing.objects.count() == 30 and Action.objects.count() == 100
    assert NeedKeyword.objects.count() > 300
    assert set(Need.objects.values_list("year", flat=True)) == {2013, 2014}
    assert Need.objects.exclude(woman=None).exists() and Need.objects.filter(woman=None).exists()


def test_need3_synthetic_actions_name_the_livelihood_projects_of_their_year(db, monkeypatch):
    import random

    from fuqing.assistance import synth
    from fuqing.campaigns.services import create_campaign
    from fuqing.core.synth import SynthContext
    from fuqing.orgs.models import Org
    from fuqing.orgs.synth import synth_orgs, synth_users
    from fuqing.projects.models import Project

    monkeypatch.setitem(synth.SCALES, "city", {"needs": 200, "pairings": 10, "actions": 300})
    ctx = SynthContext(scale="city", rng=random.Random(2))
    synth_orgs(ctx)
    synth_users(ctx)
    _registry_women(ctx, monkeypatch)
    root = Org.objects.get(depth=1, kind="city")
    campaign = create_campaign(None, org=root, year=2014)
    loans = Project.objects.create(org=root, campaign=campaign, year=2014, name="妇女小额贷款兴业")
    synth.synth_assistance(ctx)
    named = Action.objects.filter(project_name="妇女小额贷款兴业")
    assert named.filter(year=2014).exists() and named.filter(year=2013).exists()
    assert set(named.filter(year=2014).values_list("project", flat=True)) == {loans.pk}
    assert set(named.filter(year=2013).values_list("project", flat=True)) == {None}  # no 2013 project
    assert not Action.objects.exclude(project_name="妇女小额贷款兴业").exclude(project=None).exists()


def test_navigation_and_the_phone_field_action(daoli, tree):
    from tests.conftest import make_user

    sections = {s["key"]: [i["label"] for i in s["items"]] for s in navigation_for(daoli)}
    assert {"诉求", "结对帮扶", "热点难点问题", "对策建议"} <= set(sections["assistance"])
    assert {"label": "记诉求", "url": reverse("assistance:need-add")} in field_actions_for(daoli)
    nobody = make_user(tree.a)
    assert "assistance" not in {s["key"] for s in navigation_for(nobody)}
