"""Issue 14 point 4 (PLT-6 phone layout): on a 375×812 phone every list page and chart page of the
navigation keeps names on one line (or scrolls the table inside its wrapper with the first column
fixed), the top bar is one row, and every ECharts chart has category labels that do not overlap and a
legend that does not cover the plot. A district leader and the city, with long unit names."""

import os
import time

import pytest

from fuqing.orgs.models import Org, User
from fuqing.projects.models import Indicator
from tests.e2e.conftest import _new_page, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Twelve characters: the longest name that must stay on one line.
LONG_NAMES = ["新阳路街道安和社区妇联会", "群力乡民主村第三妇女小组", "工程街道建国北社区妇联会"]

MEASURE = """() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  // The top bar is one row: every visible item of its row sits on the same line.
  const row = document.querySelector('.fq-topbar > div');
  const items = Array.from(row.children).filter(e => e.offsetParent !== null);
  const tops = items.map(e => e.getBoundingClientRect()).map(r => r.top + r.height / 2);
  const spread = Math.max(...tops) - Math.min(...tops);
  const barHeight = document.querySelector('.fq-topbar').getBoundingClientRect().height;
  if (spread > 4 || barHeight > 72) problems.push('top bar is not one row: ' + Math.round(barHeight) + 'px');
  if (document.documentElement.scrollWidth > vw + 1) problems.push('page is ' + document.documentElement.scrollWidth + 'px wide');
  // Tables: no short text (a name, ≤ 12 characters) breaks over lines; a wide table scrolls inside
  // its wrapper with the first column fixed.
  let cells = 0;
  document.querySelectorAll('main table').forEach(table => {
    if (table.offsetParent === null) return;
    const wrap = table.closest('.table-responsive');
    if (!wrap) { problems.push('table outside a .table-responsive wrapper'); return; }
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      const first = table.querySelector('tbody tr > :first-child');
      if (first && getComputedStyle(first).position !== 'sticky') problems.push('scrolling table without a fixed first column');
    }
    table.querySelectorAll('td, th').forEach(cell => {
      if (cell.offsetParent === null) return;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        const text = node.textContent.trim();
        if (!text || text.length > 12) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        cells += 1;
        if (lines.size > 1) { problems.push('"' + text + '" wraps over ' + lines.size + ' lines'); return; }
      }
    });
  });
  // Charts: category labels do not overlap each other, stay inside the chart, and the legend
  // does not cover the plot.
  let charts = 0;
  document.querySelectorAll('[_echarts_instance_]').forEach(el => {
    const chart = window.echarts && echarts.getInstanceByDom(el);
    if (!chart || el.offsetParent === null) return;
    charts += 1;
    const width = chart.getWidth();
    const global = e => { const r = e.getBoundingRect().clone(); const m = e.getComputedTransform(); if (m) r.applyTransform(m); return r; };
    const overlap = (a, b, pad) => a.x + pad < b.x + b.width && b.x + pad < a.x + a.width && a.y + pad < b.y + b.height && b.y + pad < a.y + a.height;
    let legend = null;
    chart._componentsViews.forEach(view => {
      const type = view.__model && view.__model.mainType;
      if (type === 'legend' && view.group.childCount && view.group.childCount()) legend = global(view.group);
      if (type !== 'xAxis' && type !== 'yAxis') return;
      const labels = [];
      view.group.traverse(e => { if (e.anid && String(e.anid).indexOf('label_') === 0 && !e.ignore && e.style && e.style.text) labels.push(global(e)); });
      for (let i = 0; i < labels.length; i++) {
        if (labels[i].x < -1 || labels[i].x + labels[i].width > width + 1) problems.push('chart label cut off at the edge');
        for (let j = i + 1; j < labels.length; j++) {
          if (overlap(labels[i], labels[j], 1)) { problems.push(type + ' labels overlap'); return; }
        }
      }
    });
    const grid = chart.getModel().getComponent('grid');
    if (legend && grid && grid.coordinateSystem && overlap(legend, grid.coordinateSystem.getRect(), 0)) problems.push('legend covers the plot');
  });
  return {problems, cells, charts};
}"""


def _lengthen_names(username):
    user = User.objects.get(username=username)
    units = list(Org.objects.visible_to(user).exclude(pk=user.org_id).order_by("depth", "pk")[:20])
    for org, name in zip(units[1::6], LONG_NAMES, strict=False):
        org.name = name
        org.save(update_fields=["name"])


def _pages(phone, live_server):
    links = phone.eval_on_selector_all("#fq-nav a.nav-link", "els => els.map(e => e.getAttribute('href'))")
    pages = [p for p in dict.fromkeys(links) if p.startswith("/") and "/add" not in p and "/new" not in p]
    indicator = Indicator.objects.order_by("pk").first()
    if indicator:
        pages.append(f"/projects/indicators/{indicator.pk}/")
    return pages


def _check(phone, live_server, username):
    login(phone, live_server, username)
    pages = _pages(phone, live_server)
    assert len(pages) >= 15, pages
    found, cells, charts = {}, 0, 0
    for path in pages:
        phone.goto(f"{live_server.url}{path}", wait_until="load")
        result = phone.evaluate(MEASURE)
        cells += result["cells"]
        charts += result["charts"]
        if result["problems"]:
            found[path] = sorted(set(result["problems"]))[:4]
        if os.environ.get("FQ_SHOTS") or result["problems"]:
            shot(phone, f"phone-{username}" + path.rstrip("/").replace("/", "_"))
    return found, cells, charts, len(pages)


def test_plt6_phone_tables_keep_names_on_one_line_and_charts_stay_readable(browser, live_server, demo, outside_requests):
    started = time.monotonic()
    for username in ("daoli", "city"):
        _lengthen_names(username)
    for username in ("daoli", "city"):
        context, phone = _new_page(browser, live_server, 375, 812, outside_requests)
        try:
            found, cells, charts, pages = _check(phone, live_server, username)
        finally:
            context.close()
        assert not found, (username, found)
        assert cells > 100, (username, cells)  # the names were measured, not skipped
        assert charts >= 4, (username, charts)  # survey month, hot issues, a project's progress
    assert time.monotonic() - started < 90
