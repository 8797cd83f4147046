"""Factories for the registry's scoped models."""

import datetime

from fuqing.registry.models import Woman
from tests.scoped_factories import factory


@factory(Woman)
def make_woman(org, marker, viewer):
    return Woman.objects.create(org=org, name=marker, registered_on=datetime.date(2014, 4, 15))
