"""Fixtures of the oversight tests: the cast's tree, an inspector, a scheme of the cast's city."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fuqing.orgs.models import Position, Rank
from fuqing.oversight.models import ItemKind, Rule
from fuqing.oversight.services import inspectors, schemes
from tests.conftest import make_user


@pytest.fixture
def inspector(tree):
    return make_user(tree.city, "inspector", username="inspector", name="孙立新")


@pytest.fixture
def scheme(tree, city_leader):
    scheme = schemes.create_scheme(city_leader, org=tree.city, year=2014, name="督查考核方案")
    add = schemes.add_item
    add(
        city_leader,
        scheme,
        name="诉求解决",
        kind=ItemKind.COMPUTED,
        weight=Decimal(40),
        figure_key="oversight.needs_resolved_rate",
        rule=Rule.PROPORTION,
        target=Decimal("0.8"),
    )
    add(
        city_leader,
        scheme,
        name="重点调研课题",
        kind=ItemKind.COMPUTED,
        weight=Decimal(20),
        figure_key="oversight.topics_set",
        rule=Rule.THRESHOLD,
        target=1,
    )
    add(
        city_leader,
        scheme,
        name="妇女之家覆盖",
        kind=ItemKind.COMPUTED,
        weight=Decimal(20),
        figure_key="building.homes_coverage",
        rule=Rule.PROPORTION,
        target=1,
    )
    add(city_leader, scheme, name="宣传推广", kind=ItemKind.INSPECTED, weight=Decimal(20))
    return scheme


@pytest.fixture
def inspected(scheme):
    return scheme.items.get(kind=ItemKind.INSPECTED)


@pytest.fixture
def assigned(scheme, inspector, tree, city_leader):
    inspectors.assign(city_leader, scheme, inspector, tree.a)
    return inspector


def leader(org, name, **fields):
    fields.setdefault("position", Position.CHAIR)
    fields.setdefault("rank", Rank.DIVISION)
    return make_user(org, "leader", name=name, **fields)


def need(org, status="open", reported=(2014, 4, 15), review=(2014, 5, 15), closed=None, text="诉求"):
    import datetime

    from fuqing.assistance.models import Need, NeedCategory

    return Need.objects.create(
        org=org,
        description=text,
        reported_on=datetime.date(*reported),
        year=reported[0],
        month=reported[1],
        category=NeedCategory.objects.get(code="employment"),
        group_description="座谈会参会妇女",
        review_on=datetime.date(*review) if review else None,
        status=status,
        closed_on=datetime.date(*closed) if closed else None,
    )
