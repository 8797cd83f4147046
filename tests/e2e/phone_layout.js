// Measures one page on a 375-px phone (tests/e2e/test_phone_tables_charts.py): returns the problems
// found — a top bar of more than one row, a short name broken over lines, a scrolling table without
// a fixed first column, overlapping chart labels, a legend over the plot.
() => {
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
}
