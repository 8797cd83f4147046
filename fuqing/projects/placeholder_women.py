"""PLACEHOLDER — minimal registry women for the projects demo and synth, used only when the registry has
none yet (the registry's own demo and synth steps come in a separate branch).

Rows carry a name, a community, a registration date and vulnerable groups; no ID number or phone.
Remove this module (and its two call sites in ``projects/demo.py`` and ``projects/synth.py``) once the
registry generates its own women: the callers then simply find women and use them.
"""

from __future__ import annotations

import datetime
import random

from fuqing.core.synth import woman_name
from fuqing.registry.models import VulnerableGroup, Woman


def ensure_women(orgs: list, count: int, rng: random.Random, groups: dict[str, float] | None = None) -> int:
    """Create ``count`` minimal women spread over ``orgs`` (communities), with vulnerable groups drawn by
    the given shares ({group code: share}). Returns the number created (bulk, batched)."""
    if not orgs or count <= 0:
        return 0
    group_ids = dict(VulnerableGroup.objects.values_list("code", "id"))
    through = Woman.groups.through
    created = 0
    batch: list[Woman] = []
    links: list = []
    start = datetime.date(2013, 1, 1)
    for _i in range(count):
        woman = Woman(
            org_id=rng.choice(orgs).pk,
            name=woman_name(rng),
            registered_on=start + datetime.timedelta(days=rng.randrange(480)),
        )
        batch.append(woman)
        for code, share in (groups or {}).items():
            if code in group_ids and rng.random() < share:
                links.append((woman, group_ids[code]))
        if len(batch) >= 5000:
            created += _flush(batch, links, through)
            batch, links = [], []
    created += _flush(batch, links, through)
    return created


def _flush(batch, links, through) -> int:
    Woman.objects.bulk_create(batch, batch_size=2000)
    through.objects.bulk_create(
        [through(woman_id=w.pk, vulnerablegroup_id=g) for w, g in links], batch_size=5000
    )
    return len(batch)
