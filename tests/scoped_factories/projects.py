"""Factories for the projects' scoped models (livelihood projects, PRJ-1 … PRJ-5)."""

from __future__ import annotations

import datetime
import uuid

from fuqing.campaigns.models import Campaign
from fuqing.projects.models import (
    Beneficiary,
    ElderlyPerson,
    Household,
    Indicator,
    ProgressEntry,
    Project,
    Source,
    Target,
    Unit,
    Volunteer,
    VolunteerPair,
)
from fuqing.registry.models import Woman
from tests.scoped_factories import factory


def _campaign(org) -> Campaign:
    campaign, _created = Campaign.objects.get_or_create(
        org=org,
        year=2014,
        defaults={
            "name": "下基层、访妇情、办实事",
            "theme": "下基层 访妇情 办实事",
            "starts_on": datetime.date(2014, 4, 1),
            "ends_on": datetime.date(2014, 8, 31),
        },
    )
    return campaign


def _project(org, name: str | None = None) -> Project:
    """A project; only the project's own factory puts the marker in its name (related rows must not
    show the marker through a project that is visible down the tree)."""
    name = name or f"项目{uuid.uuid4().hex[:6]}"
    return Project.objects.create(org=org, campaign=_campaign(org), year=2014, name=name)


def _indicator(org, name: str | None = None, **fields) -> Indicator:
    return Indicator.objects.create(
        project=_project(org),
        name=name or f"指标{uuid.uuid4().hex[:6]}",
        unit=fields.pop("unit", Unit.PERSON),
        **fields,
    )


@factory(Project)
def make_project(org, marker, viewer):
    return _project(org, marker)


@factory(Indicator)
def make_indicator(org, marker, viewer):
    return _indicator(org, marker, target=100)


@factory(Target)
def make_target(org, marker, viewer):
    indicator = _indicator(org, target=100)
    return Target.objects.create(indicator=indicator, org=org, value=40, note=marker)


@factory(ProgressEntry)
def make_progress(org, marker, viewer):
    indicator = _indicator(org, target=100)
    return ProgressEntry.objects.create(
        indicator=indicator, org=org, year=2014, month=datetime.date(2014, 5, 1), value=12, reason=marker
    )


@factory(Beneficiary)
def make_beneficiary(org, marker, viewer):
    woman = Woman.objects.create(org=org, name="受益人", registered_on=datetime.date(2014, 4, 1))
    return Beneficiary.objects.create(
        project=_project(org),
        woman=woman,
        org=org,
        year=2014,
        received_on=datetime.date(2014, 5, 1),
        amount=1000,
        notes=marker,
    )


@factory(Volunteer)
def make_volunteer(org, marker, viewer):
    return Volunteer.objects.create(org=org, name=marker)


def _household(org, address: str) -> Household:
    household = Household.objects.create(org=org, address=address)
    ElderlyPerson.objects.create(household=household, name="王桂芝", birth_year=1936)
    return household


@factory(Household)
def make_household(org, marker, viewer):
    return _household(org, marker)


@factory(ElderlyPerson)
def make_elder(org, marker, viewer):
    household = Household.objects.create(org=org, address=f"{marker}-住址")
    return ElderlyPerson.objects.create(household=household, name=marker, birth_year=1936)


@factory(VolunteerPair)
def make_pair(org, marker, viewer):
    """A pair whose volunteer is the viewer's own profile, so her 'my households' page lists it."""
    project = _project(org)
    Indicator.objects.create(
        project=project,
        name="结对家庭",
        unit=Unit.HOUSEHOLD,
        source=Source.VOLUNTEER_PAIRS,
        measure="households",
    )
    volunteer = Volunteer.objects.filter(user=viewer).first() or Volunteer.objects.create(
        org=org, name=f"志愿者{uuid.uuid4().hex[:4]}", user=viewer
    )
    return VolunteerPair.objects.create(
        project=project,
        volunteer=volunteer,
        household=_household(org, f"{marker}-住址"),
        org=org,
        year=2014,
        started_on=datetime.date(2014, 5, 1),
        notes=marker,
    )
