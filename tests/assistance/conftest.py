"""Fixtures of the assistance tests: categories, registered women in district A and B, a need maker."""

from __future__ import annotations

import datetime

import pytest

from fuqing.assistance import services
from fuqing.assistance.models import NeedCategory
from fuqing.registry.models import Consent, VulnerableGroup, Woman

DAY = datetime.date(2014, 4, 15)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def categories(db) -> dict[str, NeedCategory]:
    return {c.code: c for c in NeedCategory.objects.all()}


@pytest.fixture
def woman(tree) -> Woman:
    w = Woman.objects.create(org=tree.a1a, name="张秀英", registered_on=DAY)
    w.groups.set(VulnerableGroup.objects.filter(code="unemployed"))
    consent_to_help(w)
    return w


def consent_to_help(woman: Woman) -> None:
    """Her consent to the finance and health purposes: funds and health help need it (SEC-9)."""
    for purpose in ("finance", "health"):
        Consent.objects.create(woman=woman, purpose=purpose, notice_version="2014-1", given_on=DAY)


@pytest.fixture
def outsider_woman(tree) -> Woman:
    return Woman.objects.create(org=tree.b1, name="王桂兰", registered_on=DAY)


@pytest.fixture
def make_need(categories):
    def make(actor, org, description="希望提供灵活就业岗位", category="employment", **kwargs):
        kwargs.setdefault("reported_on", DAY)
        if kwargs.get("woman") is None:
            kwargs.setdefault("group_description", "座谈会参会妇女")
        return services.create_need(
            actor, org=org, description=description, category=categories[category], **kwargs
        )

    return make


@pytest.fixture
def campaign_2014(tree):
    """The city's 2014 campaign: the top bar, and so every list, opens on 2014 (the cast's records)."""
    from fuqing.campaigns.models import Campaign

    return Campaign.objects.create(
        org=tree.city,
        year=2014,
        name="下基层、访妇情、办实事",
        theme="下基层 访妇情 办实事",
        starts_on=datetime.date(2014, 4, 1),
        ends_on=datetime.date(2014, 8, 31),
    )
