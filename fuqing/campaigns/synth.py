"""Synthetic campaign data (``manage.py synth``): the 2014 campaign at the root of the tree with the
default calendar, its obligations, and first submissions for most units (no files: synthetic)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from fuqing.campaigns.models import Campaign, Obligation, Submission
from fuqing.campaigns.services import create_campaign
from fuqing.core.synth import SynthContext, register_step
from fuqing.orgs.models import Org

TZ = ZoneInfo("Asia/Shanghai")


@register_step("campaigns", order=500)
def synth_campaigns(ctx: SynthContext) -> None:
    root = Org.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    campaign = Campaign.objects.filter(org=root, year=2014).first() or create_campaign(
        None, org=root, year=2014
    )
    rng = ctx.rng
    made = []
    for obligation in Obligation.objects.filter(deadline__campaign=campaign, versions=0).select_related(
        "deadline"
    ):
        draw = rng.random()
        if draw < 0.15:
            continue  # missing
        days = rng.randint(1, 12) if draw < 0.3 else -rng.randint(0, 10)
        at = datetime.datetime.combine(
            obligation.deadline.due_on + datetime.timedelta(days=days), datetime.time(16, 0), TZ
        )
        obligation.first_submitted_at = obligation.last_submitted_at = at
        obligation.first_submitted_on = at.date()
        obligation.versions = 1
        made.append(
            (obligation, Submission(obligation=obligation, version=1, submitted_at=at, note="合成数据"))
        )
    Submission.objects.bulk_create([s for _o, s in made], batch_size=900)
    Obligation.objects.bulk_update(
        [o for o, _s in made],
        ["first_submitted_at", "first_submitted_on", "last_submitted_at", "versions"],
        batch_size=900,
    )
    ctx.made["submissions"] = len(made)
    ctx.log(f"  campaign {campaign}: {len(made)} synthetic submissions")
