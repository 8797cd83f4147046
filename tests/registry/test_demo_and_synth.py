"""Demo women in the Harbin tree, and ``manage.py synth`` women at scale (shape checked on a small tree)."""

import random

from fuqing.core.synth import SynthContext
from fuqing.registry import synth
from fuqing.registry.finding import duplicate_groups
from fuqing.registry.models import Consent, Woman
from fuqing.registry.validators import parse_id_number


def test_demo_registers_a_few_dozen_women_with_valid_harbin_numbers(db):
    from fuqing.core.loaders import load_all_demo
    from fuqing.orgs.models import User

    summary = load_all_demo("Demo@2014pass")
    women = list(Woman.objects.all())
    assert summary["women"] == len(women) == 37
    for woman in women:
        parsed = parse_id_number(woman.id_number)
        assert parsed.region.startswith("2301") and not parsed.male
        assert woman.masked_id_number == woman.id_number[:6] + "********" + woman.id_number[-4:]
    daoli = User.objects.get(username="daoli")
    assert len(duplicate_groups(daoli)) == 1
    # every woman with health notes consented; so did those the demo screened for 两癌 (SEC-9)
    consented = set(Consent.objects.filter(purpose="health").values_list("woman_id", flat=True))
    assert set(Woman.objects.exclude(health_notes="").values_list("pk", flat=True)) <= consented


def test_synth_women_are_valid_encrypted_and_realistic(tree, monkeypatch):
    from fuqing.core.crypto import blind_index

    monkeypatch.setitem(synth.WOMEN_PER_COMMUNITY, "city", 200)
    ctx = SynthContext(scale="city", rng=random.Random(7))
    synth.synth_women(ctx, workers=1)
    women = list(Woman.objects.all())
    assert 60 < len(women) == ctx.made["women"] < 340  # one community, mean 200, sd 50
    for woman in women[:50]:
        parsed = parse_id_number(woman.id_number)
        assert parsed.region == "230102" and woman.birth_date == parsed.birth_date
        assert woman.id_number_index == blind_index(woman.id_number, "id_number")
        assert woman.org == tree.a1a and woman.file_number.startswith("S")
    ages = [w.age for w in women]
    assert min(ages) >= 17 and 35 <= sorted(ages)[len(ages) // 2] <= 70
    assert Woman.groups.through.objects.count() > 0
    with_health = [w for w in women if w.health_notes]
    assert Consent.objects.filter(purpose="health").count() == len(with_health)
    assert len({w.id_number for w in women}) == len(women)


def test_synth_keeps_results_in_order_with_few_waiting():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        assert list(synth._bounded_map(pool, lambda n: n * n, range(10), ahead=3)) == [
            n * n for n in range(10)
        ]
