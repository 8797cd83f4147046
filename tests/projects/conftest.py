"""Fixtures of the projects tests: the 2014 campaign of the cast's city, a project with a reported
and computed indicators, and registry women in district A."""

from __future__ import annotations

import datetime

import pytest

from fuqing.campaigns.models import Campaign
from fuqing.projects import services
from fuqing.projects.models import Measure, Source, Unit
from fuqing.registry.models import Woman
from tests.api.conftest import call  # noqa: F401  (the API's JSON client, for the API tests here)


@pytest.fixture
def campaign(tree) -> Campaign:
    return Campaign.objects.create(
        org=tree.city,
        year=2014,
        name="下基层、访妇情、办实事",
        theme="下基层 访妇情 办实事",
        starts_on=datetime.date(2014, 4, 1),
        ends_on=datetime.date(2014, 8, 31),
    )


@pytest.fixture
def project(tree, campaign):
    return services.create_project(
        None, org=tree.city, campaign=campaign, name="春风送岗位", lead_department=tree.research
    )


@pytest.fixture
def jobs(project):
    """A reported indicator with the city's target of 3,000 jobs."""
    return services.add_indicator(None, project, name="提供就业岗位", unit=Unit.ITEM, target=3000)


@pytest.fixture
def relief(tree, campaign):
    """贫困母亲救助 with two help kinds and indicators computed from its beneficiaries."""
    project = services.create_project(
        None, org=tree.city, campaign=campaign, name="贫困母亲救助", help_kinds=["泥草房改建", "生活救助"]
    )
    add = services.add_indicator
    return {
        "project": project,
        "housing": add(
            None,
            project,
            name="泥草房改建",
            unit=Unit.HOUSEHOLD,
            target=10,
            source=Source.BENEFICIARIES,
            measure=Measure.RECORDS,
            help_kind="泥草房改建",
        ),
        "women": add(
            None,
            project,
            name="受助妇女",
            unit=Unit.PERSON,
            target=None,
            source=Source.BENEFICIARIES,
            measure=Measure.WOMEN,
        ),
        "money": add(
            None,
            project,
            name="救助资金",
            unit=Unit.YUAN,
            target=100000,
            source=Source.BENEFICIARIES,
            measure=Measure.AMOUNT,
        ),
    }


@pytest.fixture
def sunset(tree, campaign):
    """爱心暖夕阳: volunteers and households computed from pairs."""
    project = services.create_project(None, org=tree.city, campaign=campaign, name="爱心暖夕阳")
    add = services.add_indicator
    return {
        "project": project,
        "volunteers": add(
            None,
            project,
            name="结对巾帼志愿者",
            unit=Unit.PERSON,
            target=10,
            source=Source.VOLUNTEER_PAIRS,
            measure=Measure.VOLUNTEERS,
        ),
        "households": add(
            None,
            project,
            name="结对空巢老人家庭",
            unit=Unit.HOUSEHOLD,
            target=10,
            source=Source.VOLUNTEER_PAIRS,
            measure=Measure.HOUSEHOLDS,
        ),
    }


def make_woman(org, name="张秀英", **fields) -> Woman:
    return Woman.objects.create(org=org, name=name, registered_on=datetime.date(2014, 4, 1), **fields)


@pytest.fixture
def women(tree):
    """Three women who consented to the health and finance purposes: health help and money need them
    (SEC-9)."""
    from fuqing.registry.models import Consent

    made = [make_woman(tree.a1a, name) for name in ("张秀英", "李桂兰", "王淑珍")]
    for woman in made:
        for purpose in ("health", "finance"):
            Consent.objects.create(
                woman=woman, purpose=purpose, notice_version="2014-1", given_on=datetime.date(2014, 4, 1)
            )
    return made
