"""Factories for assistance's scoped models."""

import datetime

from django.core.files.base import ContentFile

from fuqing.assistance.models import (
    Action,
    Need,
    NeedCategory,
    NeedEvent,
    NeedKeyword,
    Pairing,
    PairingHelper,
    Suggestion,
    SuggestionOutcome,
)
from tests.scoped_factories import factory

DAY = datetime.date(2014, 4, 15)


@factory(Need)
def make_need(org, marker, viewer):
    return Need.objects.create(
        org=org,
        description=marker,
        reported_on=DAY,
        year=2014,
        month=4,
        category=NeedCategory.objects.get(code="employment"),
        group_description="座谈会参会妇女",
        review_on=DAY,
    )


@factory(NeedKeyword)
def make_keyword(org, marker, viewer):
    need = make_need(org, marker, viewer)
    return NeedKeyword.objects.create(need=need, org=org, year=2014, keyword=marker[:20])


@factory(NeedEvent)
def make_event(org, marker, viewer):
    return NeedEvent.objects.create(need=make_need(org, marker, viewer), type="created", note=marker)


@factory(Pairing)
def make_pairing(org, marker, viewer):
    return Pairing.objects.create(
        org=org, kind="one_to_one", household=marker, notes=marker, starts_on=DAY, year=2014
    )


@factory(PairingHelper)
def make_helper(org, marker, viewer):
    return PairingHelper.objects.create(pairing=make_pairing(org, marker, viewer), helper_org=org)


@factory(Action)
def make_action(org, marker, viewer):
    return Action.objects.create(
        org=org, service="information", given_on=DAY, year=2014, given_by_org=org, notes=marker
    )


@factory(Suggestion)
def make_suggestion(org, marker, viewer):
    return Suggestion.objects.create(
        org=org, year=2014, title=marker, channel="info_report", recipient="government"
    )


@factory(SuggestionOutcome)
def make_outcome(org, marker, viewer):
    outcome = SuggestionOutcome(
        suggestion=make_suggestion(org, marker, viewer), stage=10, happened_on=DAY, note=marker
    )
    outcome.document.save("reply.pdf", ContentFile(b"%PDF-1.4 " + marker.encode()), save=False)
    outcome.document_name = f"{marker}.pdf"
    outcome.save()
    return outcome
