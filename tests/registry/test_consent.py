"""SEC-9: separate consent per sensitive purpose, with the notice version, given and withdrawn dates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.registry import privacy
from fuqing.registry.models import Consent, WomanEvent
from tests.registry.conftest import add_woman


def test_sec9_consent_per_purpose_with_version_and_dates(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    client.post(
        reverse("registry:consent-give", args=[woman.pk]),
        {"purpose": "finance", "notice_version": "2014-2", "given_on": "2014-04-20"},
    )
    consent = Consent.objects.get(woman=woman)
    assert (consent.purpose, consent.notice_version, consent.given_on) == (
        "finance",
        "2014-2",
        datetime.date(2014, 4, 20),
    )
    assert privacy.has_consent(woman, "finance") and not privacy.has_consent(woman, "health")
    body = client.get(reverse("registry:detail", args=[woman.pk])).content.decode()
    assert "财产与资金帮扶信息" in body and "2014-2" in body


def test_sec9_the_same_consent_twice_is_refused_and_a_new_notice_supersedes(tree, daoli):
    woman = add_woman(daoli, tree.a1a)
    first = privacy.give_consent(daoli, woman, "publicity", "2014-1")
    with pytest.raises(ValidationError, match="无需重复记录"):
        privacy.give_consent(daoli, woman, "publicity", "2014-1")
    second = privacy.give_consent(daoli, woman, "publicity", "2015-1")
    first.refresh_from_db()
    assert first.withdrawn_on is not None and second.in_force


def test_sec9_withdrawing_health_consent_erases_the_health_notes(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a, health_notes="高血压", health_consent=True)
    consent = Consent.objects.get(woman=woman)
    response = login_as(daoli).post(
        reverse("registry:consent-withdraw", args=[consent.pk]), {"withdrawn_on": ""}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    woman.refresh_from_db()
    assert consent.withdrawn_on == datetime.date.today() and woman.health_notes == ""
    event = WomanEvent.objects.get(woman=woman, kind="consent_withdrawn")
    assert event.details == {"purpose": "health", "erased": ["health_notes"]}
    with pytest.raises(ValidationError, match="单独同意"):
        from fuqing.registry import services

        services.update_woman(daoli, woman, health_notes="又记上了")


def test_sec9_withdrawal_cannot_predate_consent_or_happen_twice(tree, daoli):
    woman = add_woman(daoli, tree.a1a)
    consent = privacy.give_consent(daoli, woman, "sharing", given_on=datetime.date(2014, 5, 1))
    with pytest.raises(ValidationError, match="不能早于"):
        privacy.withdraw_consent(daoli, consent, datetime.date(2014, 4, 1))
    privacy.withdraw_consent(daoli, consent)
    with pytest.raises(ValidationError, match="已于"):
        privacy.withdraw_consent(daoli, consent)


def test_sec9_consent_outside_the_scope_is_not_found(tree, daoli, nangang, login_as):
    woman = add_woman(nangang, tree.b1)
    consent = privacy.give_consent(nangang, woman, "finance")
    client = login_as(daoli)
    assert client.post(reverse("registry:consent-withdraw", args=[consent.pk])).status_code == 404
    assert (
        client.post(reverse("registry:consent-give", args=[woman.pk]), {"purpose": "health"}).status_code
        == 404
    )
