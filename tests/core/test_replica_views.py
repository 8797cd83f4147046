"""PLT-8: the read-heavy pages — dashboards, the campaign's status, coverage, the assessment ranking, ledger
exports — are marked to read from the replica when one is configured (``core.replica.replica_view``); the
real replica is exercised in ``test_replica.py`` on PostgreSQL."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from fuqing.api import dashboard as api_dashboard
from fuqing.core import replica
from tests.api.conftest import token_for


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("home", []),
        ("dashboard:own", []),
        ("dashboard:unit", [1]),
        ("building:overview", []),
        ("oversight:ranking", []),
    ],
)
def test_plt8_read_heavy_pages_read_from_the_replica(name, args):
    assert getattr(resolve(reverse(name, args=args)).func, "replica_reads", False) is True


def test_plt8_the_dashboard_api_reads_from_the_replica(monkeypatch, tree, city_leader, client):
    entered = []
    real = replica.replica_reads

    def spy():
        entered.append(True)
        return real()

    monkeypatch.setattr(api_dashboard, "replica_reads", spy)
    response = client.get(
        f"/api/v1/dashboard/{tree.a.pk}/", HTTP_AUTHORIZATION=f"Bearer {token_for(city_leader)}"
    )
    assert response.status_code == 200 and entered == [True]
