"""TEMPORARY: minimal women rows for ``manage.py synth`` until the registry's own ``women`` step lands.

Only used when the registry step made no women. Names, community, registration date and vulnerable
groups — no ID numbers, phones or health data. The lead can delete this module (and its one call in
``synth.py``) once the registry's synth step exists.
"""

from __future__ import annotations

import datetime
import uuid

from fuqing.assistance.bulk import insert
from fuqing.core.synth import woman_name


def make_minimal_women(ctx, communities: list, count: int) -> int:
    from fuqing.registry.models import VulnerableGroup, Woman

    rng = ctx.rng
    groups = list(VulnerableGroup.objects.values_list("id", flat=True))
    through = Woman.groups.through
    women, links = [], []
    start = datetime.date(2013, 1, 1)
    for _ in range(count):
        org_id = rng.choice(communities)
        woman = Woman(
            id=uuid.UUID(int=rng.getrandbits(128)),
            org_id=org_id,
            name=woman_name(rng),
            registered_on=start + datetime.timedelta(days=rng.randrange(540)),
        )
        women.append(woman)
        if groups and rng.random() < 0.7:
            for group_id in rng.sample(groups, 1 if rng.random() < 0.8 else 2):
                links.append(through(woman_id=woman.id, vulnerablegroup_id=group_id))
    insert(Woman, women)
    insert(through, links)
    return len(women)
