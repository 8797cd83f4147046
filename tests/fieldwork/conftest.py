"""Field-work fixtures on top of the cast (tests/conftest.py): files in a temporary MEDIA_ROOT, a
helper to record visits through the service, and a couple of communities to visit."""

from __future__ import annotations

import datetime

import pytest

from fuqing.fieldwork import services
from fuqing.orgs import services as org_services
from fuqing.orgs.models import OrgKind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def community_b(tree):
    """A community in the sibling district B (南岗区 › 花园街道)."""
    return org_services.add_org(None, parent=tree.b1, name="花园社区", kind=OrgKind.COMMUNITY)


def record(
    actor, *, start, days=1, method="home_visit", place=None, org=None, members=(), lead=None, **extra
):
    """Record a visit through the service, as a page would."""
    visit, _created = services.save_visit(
        actor,
        None,
        services.VisitData(
            org=org or actor.org,
            started_on=start,
            ended_on=start + datetime.timedelta(days=days - 1),
            method=method,
            place=place,
            lead=lead or actor,
            members=list(members),
            **extra,
        ),
    )
    return visit


@pytest.fixture
def visit_of(tree):
    return record


@pytest.fixture
def today(monkeypatch):
    """Set the platform's idea of today (timezone.localdate) without freezing the clock."""
    from django.utils import timezone

    def set_today(day: datetime.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today
