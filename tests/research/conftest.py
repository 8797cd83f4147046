"""Research's cast on top of the common tree: the city's chair and a vice-chair, the districts' chairs."""

from __future__ import annotations

import pytest

from fuqing.orgs.models import Position, Rank
from fuqing.research.services import reports as report_services
from tests.api.conftest import call  # noqa: F401  (the API's JSON client, for the API tests here)
from tests.conftest import make_user

YEAR = 2014
SECTIONS = {
    "situation": "2014年4月，道里区妇联走访12个村屯。\n（一）基本情况\n共走访{{figure:visit_count}}。",
    "analysis": "一、主要问题\n失地妇女年龄偏大、技能单一。",
    "recommendations": "1. 开展订单式培训；\n2. 扶持创业。",
}


@pytest.fixture
def vice_chair(tree):
    return make_user(tree.city, "leader", username="vice", name="陈玉兰", position=Position.VICE_CHAIR_FULL)


@pytest.fixture
def a_chair(tree):
    return make_user(
        tree.a, "leader", username="a_chair", name="赵淑华", position=Position.CHAIR, rank=Rank.DIVISION
    )


@pytest.fixture
def b_chair(tree):
    return make_user(
        tree.b, "leader", username="b_chair", name="孙丽娟", position=Position.CHAIR, rank=Rank.DIVISION
    )


@pytest.fixture
def dept_cadre(tree):
    """A cadre of the research department itself (own department only, no city-wide grant)."""
    return make_user(tree.research, "cadre", username="dept_cadre", name="部门干部")


@pytest.fixture
def new_report():
    """``new_report(author, org, status="draft", reviewer=None, recommender=None, **fields)`` through the
    services, taken as far as ``status``."""

    def make(author, org, status="draft", reviewer=None, recommender=None, **fields):
        year = fields.pop("year", YEAR)
        values = {"title": "关于失地妇女就业情况的调研报告", "authors": "", **SECTIONS, **fields}
        report = report_services.create_report(author, org=org, year=year, **values)
        steps = {
            "submitted": ["submit"],
            "reviewed": ["submit", "review"],
            "recommended": ["submit", "review", "recommend"],
        }
        for action in steps.get(status, []):
            actor = {"submit": author, "review": reviewer, "recommend": recommender}[action]
            report = report_services.transition(actor, report, action)
        return report

    return make


def token_for(user) -> str:
    """A bearer token for the API (PLT-3)."""
    import uuid

    from django.utils import timezone

    from fuqing.api.auth import TOKEN_PREFIX, digest
    from fuqing.orgs.models import ApiToken

    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return raw
