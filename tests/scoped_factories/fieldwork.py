"""Factories for field work's scoped models."""

import datetime

from fuqing.fieldwork.models import Visit
from tests.scoped_factories import factory


@factory(Visit)
def make_visit(org, marker, viewer):
    day = datetime.date(2014, 4, 15)
    return Visit.objects.create(org=org, started_on=day, ended_on=day, method="home_visit", needs_text=marker)
