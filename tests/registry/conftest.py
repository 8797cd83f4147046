"""Helpers of the registry's tests: valid ID numbers on demand and women registered through the service."""

from __future__ import annotations

import datetime
import itertools

import pytest

from fuqing.registry import services
from fuqing.registry.validators import make_id_number

_seq = itertools.count(1)


def new_id(
    region: str = "230102", birth: datetime.date = datetime.date(1980, 5, 17), female: bool = True
) -> str:
    n = next(_seq)
    return make_id_number(region, birth + datetime.timedelta(days=n // 500), n % 500, female=female)


def add_woman(actor, org, **fields):
    data = {
        "name": "李秀英",
        "id_number": new_id(),
        "phone": "13812345678",
        "address": "友谊路 12 号",
        "registered_on": datetime.date(2014, 4, 15),
    }
    data.update(fields)
    return services.register_woman(actor, org=org, **data)


@pytest.fixture
def caseworker(tree):
    from tests.conftest import make_user

    return make_user(tree.a, "caseworker", username="caseworker")


@pytest.fixture(autouse=True)
def _jobs_keep_the_test_transaction(monkeypatch):
    """Jobs run inline in tests (ImmediateBackend) inside the test's transaction; the worker's
    close_old_connections() would close that connection on PostgreSQL (it is not in autocommit)."""
    from fuqing.core import jobs

    monkeypatch.setattr(jobs, "close_old_connections", lambda: None)
