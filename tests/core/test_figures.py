"""SUP-3, RES-2: one figures registry (``fuqing.core.figures``). Every app's figures are registered once
at start-up; summaries and reports read the same providers; ``compute_for_units`` answers many units with
the same numbers as one unit at a time, in a number of queries that does not grow with the units."""

from __future__ import annotations

import datetime

import pytest

from fuqing.assistance.models import Need
from fuqing.campaigns.services import create_campaign
from fuqing.core import figures
from fuqing.core.figures import ANNUAL, SURVEY_MONTH, Figure, FigureScope, compute, compute_for_units
from fuqing.fieldwork.models import Visit, VisitDay, VisitGroupCount
from fuqing.registry.models import VulnerableGroup, Woman
from fuqing.research.models import Report
from tests.conftest import make_user

D = datetime.date


@pytest.fixture
def campaign(tree):
    return create_campaign(None, org=tree.city, year=2014, starts_on=D(2014, 4, 1), ends_on=D(2014, 8, 31))


@pytest.fixture
def data(tree):
    group = VulnerableGroup.objects.get_or_create(code="left-behind", defaults={"name": "留守妇女"})[0]
    cadre, other = make_user(tree.a), make_user(tree.b)
    for org, day, women in (
        (tree.a, D(2014, 4, 3), 12),
        (tree.a1a, D(2014, 4, 3), 5),
        (tree.b1, D(2014, 6, 9), 7),
    ):
        visit = Visit.objects.create(
            org=org, started_on=day, ended_on=day, method="home_visit", women_met=women
        )
        VisitGroupCount.objects.create(visit=visit, group=group, count=2)
        VisitDay.objects.create(visit=visit, user=cadre if org != tree.b1 else other, day=day)
    woman = Woman.objects.create(org=tree.a1a, name="王秀英", registered_on=D(2014, 4, 3))
    woman.groups.add(group)
    Woman.objects.create(org=tree.b1, name="张丽", registered_on=D(2014, 5, 3))
    Need.objects.create(org=tree.a1a, woman=woman, description="就业", reported_on=D(2014, 4, 3))
    Need.objects.create(org=tree.a, description="住房", reported_on=D(2014, 4, 9), status="resolved")
    Need.objects.create(org=tree.b1, description="贷款", reported_on=D(2014, 7, 1), status="resolved")
    Need.objects.create(org=tree.b1, description="去年", reported_on=D(2013, 7, 1))
    Report.objects.create(org=tree.a, year=2014, title="道里报告", status="submitted")
    Report.objects.create(org=tree.b1, year=2014, title="花园报告", status="draft")


def _same(left: Figure, right: Figure) -> bool:
    return (left.key, left.value, [list(r) for r in left.breakdown]) == (
        right.key,
        right.value,
        [list(r) for r in right.breakdown],
    )


def test_sup3_res2_every_app_registers_its_figures_once_in_core():
    keys = {p.key for p in figures.providers()}
    # summaries' and reports' figures, from field work, registry, needs, projects, research, campaigns
    assert {"visits", "women_met", "women_registered", "needs_found", "needs_resolved", "targets"} <= keys
    assert {"reports", "plans", "submissions", "visit_count", "needs_by_category", "women_visited"} <= keys
    assert "fieldwork.grassroots_days" in keys
    assert {p.key for p in figures.providers(summary=SURVEY_MONTH)} < {
        p.key for p in figures.providers(summary=ANNUAL)
    }
    with pytest.raises(ValueError):  # one registry: a second provider under a key must say it replaces
        figures.figure("visits", "走访")(lambda scope: None)


def test_sup3_for_units_gives_each_units_figure_in_bounded_queries(
    tree, campaign, data, django_assert_max_num_queries
):
    """Every provider with a grouped ``for_units``: the same figures as unit by unit, for units of mixed
    depths (districts, a township inside one, a unit of another city), and queries that do not grow."""
    scope = FigureScope(tree.city, D(2014, 1, 1), D(2014, 12, 31), campaign=campaign, kind=ANNUAL)
    units = [tree.a, tree.b, tree.a1, tree.other]
    grouped = [p for p in figures.providers() if p.units_func is not None]
    assert len(grouped) >= 10
    for provider in grouped:
        with django_assert_max_num_queries(8):
            many = compute_for_units(provider.key, scope, units)
        assert set(many) == {u.pk for u in units}
        for unit in units:
            one = compute(provider.key, scope.for_unit(unit))
            assert _same(many[unit.pk], one), (provider.key, unit.name, many[unit.pk], one)
        with django_assert_max_num_queries(8):
            compute_for_units(provider.key, scope, [tree.a, tree.b, tree.research])  # more units, same bound


def test_sup3_for_units_counts_the_subtrees(tree, campaign, data):
    scope = FigureScope.of_year(tree.city, 2014, campaign=campaign)
    visits = compute_for_units("visit_count", scope, [tree.a, tree.b, tree.other])
    assert [visits[u.pk].value for u in (tree.a, tree.b, tree.other)] == [2, 1, 0]
    days = compute_for_units("fieldwork.grassroots_days", scope, [tree.a, tree.b])
    assert (days[tree.a.pk].value, days[tree.b.pk].value) == (1, 1)  # two visits the same day: one day
    needs = compute_for_units("needs_count", scope, [tree.a, tree.b])
    assert (needs[tree.a.pk].value, needs[tree.b.pk].value) == (2, 1)  # 2013's need is not counted


def test_sup3_the_fallback_for_a_provider_without_for_units(tree, data):
    @figures.figure("test.visits_plain", "走访")
    def plain(scope):
        return Figure(
            "test.visits_plain", "走访", scope.rows(Visit).filter(**scope.period("started_on")).count()
        )

    try:
        found = compute_for_units("test.visits_plain", FigureScope.of_year(tree.city, 2014), [tree.a, tree.b])
        assert (found[tree.a.pk].value, found[tree.b.pk].value) == (2, 1)
    finally:
        figures._PROVIDERS.pop("test.visits_plain", None)


def test_res2_a_viewer_counts_only_what_she_may_see(tree, data, daoli):
    scope = FigureScope.of_year(tree.city, 2014, user=daoli)
    assert compute("visit_count", scope).value == 2  # 南岗's visit is not hers to count
    assert compute_for_units("visit_count", scope, [tree.a, tree.b])[tree.b.pk].value == 0


def test_sup3_res2_campaign_figures_find_the_years_campaign_for_a_report(tree, campaign):
    """A report's scope is a calendar year without a campaign: the campaign of that year run at the unit
    or above it is used; a year without one says so."""
    assert compute("plans", FigureScope.of_year(tree.a1, 2014)).value == 0
    missing = compute("plans", FigureScope.of_year(tree.a1, 2013))
    assert missing.value is None and missing.note
