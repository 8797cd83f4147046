"""Factories for the registry's scoped models. The marker is the record's file number (档案编号), which
the registry's lists, exports and API show unmasked (names are masked there); it is the name too, for
other apps' pickers that search women by the name a user types."""

import datetime

from fuqing.registry.models import Consent, Woman, WomanEvent
from tests.scoped_factories import factory


@factory(Woman)
def make_woman(org, marker, viewer):
    return Woman.objects.create(
        org=org,
        name=marker,
        file_number=marker,
        id_number="",
        phone="13812345678",
        registered_on=datetime.date(2014, 4, 15),
    )


@factory(Consent)
def make_consent(org, marker, viewer):
    woman = make_woman(org, marker, viewer)
    return Consent.objects.create(
        woman=woman, purpose="health", notice_version=marker[:30], given_on=datetime.date(2014, 4, 15)
    )


@factory(WomanEvent)
def make_event(org, marker, viewer):
    woman = make_woman(org, marker, viewer)
    return WomanEvent.objects.create(woman=woman, kind="registered", actor_name=marker)
