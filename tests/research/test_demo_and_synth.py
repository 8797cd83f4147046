"""The research demo (topics with one district missing, a dozen reports in every state, a Qiushi Cup with
judges and scores, a book) and synthetic data in bulk."""

from __future__ import annotations

import random

from django.urls import reverse

from fuqing.core.synth import SynthContext
from fuqing.orgs import demo as org_demo
from fuqing.orgs.models import User
from fuqing.research import demo
from fuqing.research.models import Book, Competition, Report, ReportEvent, ScoreSheet, Topic
from fuqing.research.services.topics import compliance
from fuqing.research.synth import synth_research


def test_res1_to_res5_demo_tells_the_2014_story(db, client):
    summary = org_demo.load("Demo@2014pass", townships_per_county=1, communities_per_township=1)
    demo.load_research_demo(summary)
    assert summary["research"]["reports"] == 13
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "reviewed", "recommended"}
    research = User.objects.get(username="research")
    flagged = {r.org.name: [f[0] for f in r.flags] for r in compliance(research, 2014) if r.flags}
    assert flagged == {"呼兰区妇联": ["missing"]}
    assert Topic.objects.filter(year=2014).count() == 7 + 17
    cup = Competition.objects.get()
    assert cup.judges.count() == 3 and ScoreSheet.objects.filter(entry__competition=cup).exists()
    assert not cup.is_closed  # still scoring: the live ranking shows
    assert (
        Book.objects.get().items.count()
        == Report.objects.filter(status__in=("reviewed", "recommended")).count()
    )
    returned = Report.objects.get(title="农村妇女土地权益保障情况调研")
    assert returned.status == "draft" and returned.events.filter(kind="returned").exists()
    assert ReportEvent.objects.order_by("-at").first().at.year == 2014  # the story happened in 2014
    client.force_login(research)
    assert (
        "呼兰区妇联"
        in client.get(reverse("research:topic-check"), {"year": 2014, "flag": "missing"}).content.decode()
    )


def test_res2_synth_makes_reports_topics_and_scores_in_bulk(
    tree, city_leader, vice_chair, a_chair, b_chair, dept_cadre, colleague, nangang
):
    ctx = SynthContext(scale="city", rng=random.Random(7))
    synth_research(ctx)
    assert Topic.objects.filter(org=tree.research).exists()
    assert Report.objects.count() == ctx.made["reports"] > 0
    assert ReportEvent.objects.filter(kind="created").count() == Report.objects.count()
    cup = Competition.objects.get(org=tree.research)
    assert cup.criteria.count() == 5 and cup.judges.count() == 2
    assert set(cup.entries.values_list("report__status", flat=True)) <= {
        "submitted",
        "reviewed",
        "recommended",
    }
