"""The demo (order 500): plans for a few units, and 2014 submissions on time, late and missing, so the
completeness table shows all three; the demo district has an overdue reminder."""

from __future__ import annotations

import datetime

import pytest

from fuqing.campaigns.models import Obligation, Plan
from fuqing.core.models import Reminder


@pytest.fixture
def demo(db):
    from fuqing.core.loaders import load_all_demo

    return load_all_demo("Demo@2014pass")


def test_cam2_cam3_demo_shows_every_status_and_some_plans(demo, client):
    assert demo["campaigns"]["plans"] == 4
    assert Plan.objects.filter(submitted_at__isnull=False).count() == 3
    # 2014's calendar (the dashboard's demo adds 2013's, last year)
    counts = Obligation.objects.filter(
        deadline__code="survey-summary", deadline__campaign__year=2014
    ).status_counts(datetime.date(2014, 12, 31))
    assert counts["on_time"] > 0 and counts["late"] > 0 and counts["missing"] > 0
    daoli = {
        o.deadline.code: o.status(datetime.date(2014, 12, 31))
        for o in Obligation.objects.filter(org__name="道里区妇联", deadline__campaign__year=2014)
    }
    assert daoli == {"survey-summary": "late", "annual-summary": "missing"}
    assert Reminder.objects.filter(user__username="daoli", kind="overdue").count() == 1

    from fuqing.orgs.models import User

    client.force_login(User.objects.get(username="research"))
    text = client.get("/campaigns/status/").content.decode()
    assert "逾期报送" in text and "未报送" in text and "按时报送" in text
