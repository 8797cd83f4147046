"""Stationed stays (蹲点调研) last at least seven days (FLD-3) — on the form, in the service, the API
and an import alike."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.fieldwork.models import Visit
from tests.fieldwork.conftest import record


def test_fld3_stay_shorter_than_seven_days_is_rejected(tree, daoli):
    with pytest.raises(ValidationError) as caught:
        record(daoli, start=datetime.date(2014, 4, 1), days=6, method="stationed", place=tree.a1a)
    message = caught.value.message_dict["ended_on"][0]
    assert "蹲点调研时间不少于一周（7 天）" in message and "只有 6 天" in message
    assert caught.value.error_dict["ended_on"][0].code == "FLD-3"
    assert not Visit.objects.exists()


def test_fld3_a_stay_of_exactly_seven_days_is_accepted(tree, daoli):
    visit = record(daoli, start=datetime.date(2014, 4, 1), days=7, method="stationed", place=tree.a1a)
    assert visit.days == 7 and visit.is_stationed


def test_fld3_the_form_shows_the_rule_beside_the_end_date(tree, daoli, login_as):
    response = login_as(daoli).post(
        reverse("fieldwork:visit-add"),
        {
            "id": uuid.uuid4(),
            "started_on": "2014-04-01",
            "ended_on": "2014-04-03",
            "method": "stationed",
            "place": tree.a1a.pk,
            "org": tree.a.pk,
            "lead": daoli.pk,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "蹲点调研时间不少于一周" in html and "只有 3 天" in html
    assert not Visit.objects.exists()


def test_fld3_a_one_day_visit_of_another_method_is_fine(tree, daoli):
    assert record(daoli, start=datetime.date(2014, 4, 1), method="interview", place=tree.a1a).days == 1


def test_fld3_the_stays_page_lists_only_stationed_stays(tree, daoli, login_as):
    record(
        daoli, start=datetime.date(2014, 4, 1), days=8, method="stationed", place=tree.a1a, notes="蹲点八天"
    )
    record(daoli, start=datetime.date(2014, 4, 20), place=tree.a1a, notes="一天走访")
    page = login_as(daoli).get(reverse("fieldwork:stays"), {"year": 2014})
    text = page.content.decode()
    assert page.context["page"].paginator.count == 1
    assert "蹲点八天" in text and "一天走访" not in text
    assert "不少于 7 天" in text
