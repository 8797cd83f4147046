"""RES-2: figure providers — aggregates over a unit's subtree and year on the owning apps' real fields
(field work's head counts and group counts, the needs register's categories), and a registry other apps
extend."""

from __future__ import annotations

import datetime

import pytest

from fuqing.assistance.models import Need, NeedCategory
from fuqing.core import figures
from fuqing.core.figures import Figure, FigureScope
from fuqing.fieldwork.models import Visit, VisitGroupCount
from fuqing.registry.models import VulnerableGroup, Woman

YEAR = 2014
DAY = datetime.date(YEAR, 4, 20)


def _woman(org, *groups):
    woman = Woman.objects.create(org=org, name="王秀英", registered_on=DAY)
    woman.groups.set(VulnerableGroup.objects.filter(name__in=groups))
    return woman


def _need(org, woman=None, visit=None, status="open", day=DAY, category=None):
    return Need.objects.create(
        org=org,
        woman=woman,
        visit=visit,
        description="就业",
        reported_on=day,
        status=status,
        category=NeedCategory.objects.get(code=category) if category else None,
    )


def _visit(org, day=DAY, women=0, **groups):
    """A visit with field work's head counts: ``women`` met, of whom ``groups`` (by group code)."""
    visit = Visit.objects.create(org=org, started_on=day, ended_on=day, method="interview", women_met=women)
    for code, count in groups.items():
        VisitGroupCount.objects.create(
            visit=visit, group=VulnerableGroup.objects.get(code=code.replace("_", "-")), count=count
        )
    return visit


@pytest.fixture
def data(tree):
    landless, left_behind = _woman(tree.a1a, "失地妇女"), _woman(tree.a1a, "失地妇女", "留守妇女")
    visit = _visit(tree.a1a, women=12, landless=5, left_behind=2)
    _visit(tree.a1, women=8, left_behind=3)  # the township's own visit counts for 道里
    _need(tree.a1a, landless, visit, "resolved", category="employment")
    _need(tree.a1a, left_behind, visit, "open", category="employment")
    _need(tree.a1a, left_behind, visit, "counselled", category="housing")
    _need(tree.a, None, None, "resolved")  # a forum's need: no woman, no category yet
    _need(tree.b, _woman(tree.b1, "失地妇女"), _visit(tree.b1, women=40, landless=30), "resolved")  # sibling
    _need(tree.a1a, landless, visit, "resolved", day=datetime.date(YEAR - 1, 5, 1))  # last year's
    _visit(tree.a1a, day=datetime.date(YEAR - 1, 5, 1), women=50, landless=50)  # last year's
    return {"landless": landless, "left_behind": left_behind}


def _rows(figure: Figure) -> dict:
    return {row[0]: row[-1] for row in figure.breakdown}


def test_res2_women_visited_by_group_adds_up_the_visits_group_counts_of_the_subtree(tree, data):
    figure = figures.compute("women_visited_by_group", FigureScope.of_year(tree.a, YEAR))
    assert figure.breakdown == [["失地妇女", 5], ["留守妇女", 5]]  # 5 + 0 and 2 + 3; not 南岗's, not 2013's
    assert figure.value == 20  # the women met in all (12 + 8), whatever their groups
    assert figure.table_rows()[-1] == ["合计", "20"]
    assert figures.compute("women_visited", FigureScope.of_year(tree.a1, YEAR)).value == 20
    assert figures.compute("women_visited", FigureScope.of_year(tree.a1a, YEAR)).value == 12


def test_res2_needs_by_status_counts_the_outcomes(tree, data):
    figure = figures.compute("needs_by_status", FigureScope.of_year(tree.a, YEAR))
    assert _rows(figure) == {"已解决": 2, "办理中": 1, "解释疏导": 1}
    assert figure.value == 4


def test_res2_needs_by_category_come_from_the_dictionary(tree, data):
    figure = figures.compute("needs_by_category", FigureScope.of_year(tree.a, YEAR))
    assert figure.value == 4 and figure.breakdown == [["就业", 2], ["住房", 1], ["未标注", 1]]
    cross = figures.compute("needs_by_category_and_outcome", FigureScope.of_year(tree.a, YEAR))
    assert cross.headers == ["类别", "办理中", "已解决", "解释疏导", "转化为建议", "合计"]
    assert cross.breakdown == [["就业", 1, 1, 0, 0, 2], ["住房", 0, 0, 1, 0, 1], ["未标注", 0, 1, 0, 0, 1]]
    assert cross.value == 4


def test_res2_needs_by_group_and_counts(tree, data):
    scope = FigureScope.of_year(tree.a, YEAR)
    assert _rows(figures.compute("needs_by_group", scope)) == {"失地妇女": 3, "留守妇女": 2, "未标注": 1}
    assert figures.compute("needs_count", scope).value == 4
    assert figures.compute("needs_resolved", scope).value == 2
    assert figures.compute("women_visited", scope).value == 20


def test_res2_figures_of_the_city_include_every_district(tree, data):
    assert figures.compute("needs_count", FigureScope.of_year(tree.city, YEAR)).value == 5


def test_res2_each_figure_is_one_grouped_query(tree, data, django_assert_max_num_queries):
    scope = FigureScope.of_year(tree.a, YEAR)
    with django_assert_max_num_queries(2):
        figures.compute("needs_by_status", scope)
    with django_assert_max_num_queries(1):
        figures.compute("needs_count", scope)
    with django_assert_max_num_queries(2):
        figures.compute("women_visited_by_group", scope)  # its rows, and the women met in all
    for key in ("women_visited", "needs_by_category", "needs_by_category_and_outcome", "needs_count"):
        with django_assert_max_num_queries(1):
            figures.compute(key, FigureScope.of_year(tree.a, YEAR))
    with django_assert_max_num_queries(1):
        figures.compute("needs_by_group", scope)  # the total is needs_count's, computed already
    with django_assert_max_num_queries(0):
        figures.compute("needs_by_status", scope)  # computed once per rendering


def test_res2_other_apps_register_and_replace_figures(tree):
    @figures.figure("test.answer", "测试")
    def answer(scope):
        return Figure("test.answer", "答案", 42, "件")

    try:
        assert figures.compute("test.answer", FigureScope.of_year(tree.a, YEAR)).value_text == "42件"
        with pytest.raises(ValueError):
            figures.figure("test.answer", "重复")(lambda scope: None)
        figures.figure("test.answer", "替换", replace=True)(lambda scope: Figure("test.answer", "新", 7))
        assert figures.compute("test.answer", FigureScope.of_year(tree.a, YEAR)).value == 7
        with pytest.raises(ValueError):
            figures.figure("Bad-Key", "x")
    finally:
        figures._PROVIDERS.pop("test.answer", None)


def test_res2_every_provider_runs_on_an_empty_scope(tree):
    for provider in figures.providers():
        figure = provider.compute(FigureScope.of_year(tree.a, YEAR))
        assert figure.key == provider.key and figure.caption and figure.value in (0, None)
