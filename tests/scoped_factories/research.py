"""Factories for research's scoped models."""

from fuqing.research.models import Report
from tests.scoped_factories import factory


@factory(Report)
def make_report(org, marker, viewer):
    return Report.objects.create(org=org, year=2014, title=marker)
