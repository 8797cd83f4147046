"""Factories for assistance's scoped models."""

import datetime

from fuqing.assistance.models import Need
from tests.scoped_factories import factory


@factory(Need)
def make_need(org, marker, viewer):
    return Need.objects.create(org=org, description=marker, reported_on=datetime.date(2014, 4, 15))
