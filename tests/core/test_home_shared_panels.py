"""A home-page panel of a unit's figures (``Panel(shared_seconds=…)``) is tallied once for everyone of the
same scope and roles, served with its "as of" time, and never shared across scopes (issue 16: the home
page at province scale)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fuqing.building import coverage

pytestmark = pytest.mark.django_db


def _panel(response, name):
    return next((p for p in response.context["panels"] if p["name"] == name), None)


def test_the_building_panel_is_tallied_once_and_shows_when(client, daoli, nangang, monkeypatch):
    calls = []
    real = coverage.total

    def counted(unit, *args, **kwargs):
        calls.append(unit.pk)
        return real(unit, *args, **kwargs)

    monkeypatch.setattr(coverage, "total", counted)
    client.force_login(daoli)
    first = client.get(reverse("home"))
    panel = _panel(first, "building-coverage")
    assert panel is not None and panel["context"]["as_of"] is not None
    assert "统计于" in first.content.decode()
    again = _panel(client.get(reverse("home")), "building-coverage")
    assert len(calls) == 1  # the second visit is served the tally
    assert again["context"]["unit"] == panel["context"]["unit"] == daoli.org
    client.force_login(nangang)
    other = _panel(client.get(reverse("home")), "building-coverage")
    assert len(calls) == 2 and other["context"]["unit"] == nangang.org  # another scope: its own tally
