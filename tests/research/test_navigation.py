"""UI.md: research sits under 调研 (课题, 报告, 求实杯, 汇编) for those whose role allows it."""

from __future__ import annotations

from fuqing.core.navigation import navigation_for
from tests.conftest import make_user


def _research_items(user):
    section = next((s for s in navigation_for(user) if s["key"] == "research"), None)
    return [str(i["label"]) for i in section["items"]] if section else []


def test_res_navigation_lists_the_four_research_pages(researcher, colleague):
    assert _research_items(researcher) == ["课题", "报告", "求实杯", "汇编"]
    assert _research_items(colleague) == ["课题", "报告", "求实杯", "汇编"]


def test_res_navigation_is_hidden_without_the_research_module(tree):
    assert _research_items(make_user(tree.a, "volunteer")) == []
    assert _research_items(make_user(tree.a)) == []
