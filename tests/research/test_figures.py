"""RES-2: figure providers — aggregates over a unit's subtree and year on the owning apps' real fields
(field work's head counts and group counts, the needs register's categories), and a registry other apps
extend."""

from __future__ import annotations

import datetime

import pytest

from fuqing.assistance.models import Need, NeedCategory
from fuqing.fieldwork.models import Visit, VisitGroupCount
from fuqing.registry.models import VulnerableGroup, Woman
from fuqing.research import figures
from fuqing.research.figures import Figure, FigureScope

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
    return {row[0]: row[-1] for row in figure.rows}


def test_res2_women_visited_by_group_adds_up_the_visits_group_counts_of_the_subtree(tree, data):
    figure = figures.compute("women_visited_by_group", FigureScope(tree.a, YEAR))
    assert figure.rows == [["失地妇女", 5], ["留守妇女", 5]]  # 5 + 0 and 2 + 3; not 南岗's, not 2013's
    assert figure.total == 20  # the women met in all (12 + 8), whatever their groups
    assert figure.table_rows()[-1] == ["合计", "20"]
    assert figures.compute("women_visited", FigureScope(tree.a1, YEAR)).total == 20
    assert figures.compute("women_visited", FigureScope(tree.a1a, YEAR)).total == 12


def test_res2_needs_by_status_counts_the_outcomes(tree, data):
    figure = figures.compute("needs_by_status", FigureScope(tree.a, YEAR))
    assert _rows(figure) == {"已解决": 2, "办理中": 1, "解释疏导": 1}
    assert figure.total == 4


def test_res2_needs_by_category_come_from_the_dictionary(tree, data):
    figure = figures.compute("needs_by_category", FigureScope(tree.a, YEAR))
    assert figure.total == 4 and figure.rows == [["就业", 2], ["住房", 1], ["未标注", 1]]
    cross = figures.compute("needs_by_category_and_outcome", FigureScope(tree.a, YEAR))
    assert cross.headers == ["类别", "办理中", "已解决", "解释疏导", "转化为建议", "合计"]
    assert cross.rows == [["就业", 1, 1, 0, 0, 2], ["住房", 0, 0, 1, 0, 1], ["未标注", 0, 1, 0, 0, 1]]
    assert cross.total == 4


def test_res2_needs_by_group_and_counts(tree, data):
    scope = FigureScope(tree.a, YEAR)
    assert _rows(figures.compute("needs_by_group", scope)) == {"失地妇女": 3, "留守妇女": 2, "未标注": 1}
    assert figures.compute("needs_count", scope).total == 4
    assert figures.compute("needs_resolved", scope).total == 2
    assert figures.compute("women_visited", scope).total == 20


def test_res2_figures_of_the_city_include_every_district(tree, data):
    assert figures.compute("needs_count", FigureScope(tree.city, YEAR)).total == 5


def test_res2_each_figure_is_one_grouped_query(tree, data, django_assert_max_num_queries):
    scope = FigureScope(tree.a, YEAR)
    with django_assert_max_num_queries(2):
        figures.compute("needs_by_status", scope)
    with django_assert_max_num_queries(1):
        figures.compute("needs_count", scope)
    with django_assert_max_num_queries(2):
        figures.compute("women_visited_by_group", scope)  # its rows, and the women met in all
    for key in ("women_visited", "needs_by_category", "needs_by_category_and_outcome", "needs_count"):
        with django_assert_max_num_queries(1):
            figures.compute(key, FigureScope(tree.a, YEAR))
    with django_assert_max_num_queries(1):
        figures.compute("needs_by_group", scope)  # the total is needs_count's, computed already
    with django_assert_max_num_queries(0):
        figures.compute("needs_by_status", scope)  # computed once per rendering


def test_res2_other_apps_register_and_replace_figures(tree):
    @figures.register("test_answer", "测试")
    def answer(scope):
        return Figure(title="答案", total=42, unit="件")

    try:
        assert figures.compute("test_answer", FigureScope(tree.a, YEAR)).total_text == "42件"
        with pytest.raises(ValueError):
            figures.register("test_answer", "重复")(answer)
        figures.register("test_answer", "替换", replace=True)(lambda scope: Figure(title="新", total=7))
        assert figures.compute("test_answer", FigureScope(tree.a, YEAR)).total == 7
        with pytest.raises(ValueError):
            figures.register("Bad-Key", "x")(answer)
    finally:
        figures._PROVIDERS.pop("test_answer", None)


def test_res2_every_provider_runs_on_an_empty_scope(tree):
    for provider in figures.providers():
        figure = provider.compute(FigureScope(tree.a, YEAR))
        assert figure.title and figure.total in (0, None)
