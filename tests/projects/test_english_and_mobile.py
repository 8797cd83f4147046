"""PLT-2 / UI.md on the projects pages: every label is one translated message with placeholders (no
Chinese brackets, colons or 年月 glued around English pieces), and names keep whole on a phone."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings

from fuqing.projects import services
from tests.projects.english import FULL_WIDTH, english, to_english, visible_text

TEMPLATES = [
    *(Path(settings.BASE_DIR) / "fuqing" / "projects" / "templates").rglob("*.html"),
    *(Path(settings.BASE_DIR) / "fuqing" / "campaigns" / "templates").rglob("*.html"),
]
MESSAGE = re.compile(
    r"\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}|\{%\s*translate\s+(\"[^\"]*\"|'[^']*')[^%]*%\}",
    re.S,
)
CHINESE = re.compile(r"[\u4e00-\u9fff（）：；、“”。，]")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_plt2_no_chinese_text_or_punctuation_outside_a_message(path):
    """Chinese words and full-width punctuation live inside translated messages only, so English gets
    its own wording and half-width punctuation."""
    source = MESSAGE.sub("", path.read_text(encoding="utf-8"))
    glued = [line.strip()[:120] for line in source.splitlines() if CHINESE.search(line)]
    assert not glued, glued


def test_plt2_the_overview_in_english_draft_badge_tooltip_plural_and_brackets(
    tree, jobs, city_leader, daoli, login_as
):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1800})  # a draft split
    client = to_english(login_as(daoli))
    with english(
        {"草稿目标": "Draft target", "分解尚未下达": "Split not yet issued", "（%(u)s）": "(%(u)s)"},
        {"项指标": ("indicator", "indicators")},
    ):
        page = client.get("/projects/", {"as_of": "2014-08-31"}).content.decode()
    assert "Draft target" in page and 'title="Split not yet issued"' in page
    assert "草稿目标" not in page and "分解尚未下达" not in page
    text = visible_text(page)
    assert re.search(r"\b1 indicator\b", text), text
    assert "（" not in text and "）" not in text


def test_plt2_the_monthly_form_in_english_months_and_half_width_brackets(
    tree, jobs, relief, city_leader, daoli, login_as
):
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1800, tree.b.pk: 1200}, issue=True)
    services.report_progress(daoli, indicator=jobs, org=tree.a, month=datetime.date(2014, 5, 1), value=900)
    client = to_english(login_as(daoli))
    with english(
        {
            "累计 %(v)s / 目标 %(t)s（%(p)s）": "Cumulative %(v)s / target %(t)s (%(p)s)",
            "%(p)s · %(i)s：<strong>%(v)s</strong> %(u)s": "%(p)s · %(i)s: <strong>%(v)s</strong> %(u)s",
            "%(name)s（%(detail)s）": "%(name)s (%(detail)s)",
        }
    ):
        page = client.get("/projects/report/", {"org": tree.a.pk, "month": "2014-08"}).content.decode()
    text = visible_text(page)
    assert "Aug 2014" in text and "2014年8月" not in text
    assert "Cumulative 900 / target 1,800 (50.0%)" in text
    assert FULL_WIDTH.findall(text.replace("泥草房改建", "").replace("生活救助", "")) == []
    assert "泥草房改建: 0" in text


def test_plt2_source_label_and_choices_are_one_message(relief):
    with english({"%(name)s（%(detail)s）": "%(name)s (%(detail)s)"}):
        from django.utils import translation

        with translation.override("en"):
            label = relief["housing"].source_label
    assert label.endswith(" (泥草房改建)") and "（" not in label


def test_plt2_the_home_panel_in_english_counts_in_the_plural(tree, jobs, daoli, login_as):
    client = to_english(login_as(daoli))
    with english(
        plurals={
            "%(n)s 项指标，%(l)s 项滞后（截至%(d)s）。": (
                "%(n)s indicator, %(l)s behind (as of %(d)s).",
                "%(n)s indicators, %(l)s behind (as of %(d)s).",
            )
        }
    ):
        page = client.get("/").content.decode()
    assert "1 indicator, 0 behind" in visible_text(page)


def _panel(page: str) -> str:
    start = page.index('data-panel="projects-lagging"')
    return page[start : page.index("</section>", start)]


def test_ui_phone_the_lagging_panel_puts_the_badge_below_the_name(tree, jobs, city_leader, daoli, login_as):
    """At 375 px a name beside a stretched badge wrapped one character a line: below the sm breakpoint
    the name takes the whole line and the rate and badge go under it, never stretched."""
    services.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1800, tree.b.pk: 1200}, issue=True)
    services.report_progress(daoli, indicator=jobs, org=tree.a, month=datetime.date(2014, 4, 1), value=1)
    page = login_as(daoli).get("/").content.decode()
    panel = _panel(page)
    item = re.search(r"<li class=\"([^\"]*)\"><a class=\"([^\"]*)\"", panel)
    assert item, panel
    assert "d-sm-flex" in item.group(1).split() and "d-flex" not in item.group(1).split()
    assert "d-block" in item.group(2).split()
    assert re.search(r'<span class="badge text-nowrap', panel)


def test_ui_phone_unit_names_in_tables_do_not_wrap(tree, jobs, city_leader, login_as):
    page = login_as(city_leader).get("/projects/", {"as_of": "2014-08-31"}).content.decode()
    sub = page[page.index("下级单位进度") :]
    assert sub.count('<td class="text-nowrap"><a href="?org=') == 2  # 道里区妇联, 南岗区妇联
    tables = page.count("<table")
    assert tables == page.count('<div class="table-responsive"><table')
