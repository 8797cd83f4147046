// 数据看板 (RPT-1): each figure's chart compares the children of the unit shown — this year against the
// same span of last year (two bars each), or this year's rows stacked (by status, by category). Drawn by
// fuqingChart (app.js) as horizontal bars (names truncated, never overlapping), the legend on top, above
// the plot. The assessment rank is drawn the same way: each child's total score this year and last year,
// its rank in the tooltip. A click on a unit opens its own dashboard (drill-down).
(function () {
  "use strict";
  if (!window.echarts || !window.fuqingChart) { return; }
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var labels = document.getElementById("dashboard-labels");
  var urlOf = function (id) { return labels.getAttribute("data-url").replace("/0/", "/" + id + "/"); };
  var figures = {};
  data.sections.forEach(function (s) { s.figures.forEach(function (f) { figures[f.key] = f; }); });
  if (data.rank) {  // the published assessment: total scores, the rank beside them
    figures.rank = {
      key: "rank",
      kind: "rank",
      children: data.rank.children.map(function (c) {
        return { this: c.this ? c.this.total : null, last: c.last ? c.last.total : null, rank: [c.this, c.last] };
      })
    };
  }
  var rankText = function (found) {
    return found ? labels.getAttribute("data-rank").replace("{rank}", found.rank).replace("{of}", found.of) : "—";
  };
  var names = data.children.map(function (c) { return c.name; });
  window.fuqingDashboardCharts = {};
  document.querySelectorAll("[data-dashboard-chart]").forEach(function (el) {
    var f = figures[el.getAttribute("data-dashboard-chart")];
    if (!f) { return; }
    var series, tooltip = { trigger: "axis" };
    if (f.kind === "rank") {
      series = [
        { name: labels.getAttribute("data-this"), type: "bar", data: f.children.map(function (c) { return c.this; }) },
        { name: labels.getAttribute("data-last-year"), type: "bar", data: f.children.map(function (c) { return c.last; }) }
      ];
      tooltip.formatter = function (params) {
        var rows = [];
        params.forEach(function (p) {
          var found = f.children[p.dataIndex].rank[p.seriesIndex];
          rows.push(p.marker + p.seriesName + " " + (found ? found.total + labels.getAttribute("data-points") + " · " + rankText(found) : "—"));
        });
        return [params.length ? window.echarts.format.encodeHTML(names[params[0].dataIndex]) : ""].concat(rows).join("<br>");
      };
    } else if (f.kind === "breakdown") {
      series = f.series.map(function (s) { return { name: s.name, type: "bar", stack: "this", data: s.data }; });
    } else {
      series = [
        { name: labels.getAttribute("data-this"), type: "bar", data: f.children.map(function (c) { return c.this; }) },
        { name: labels.getAttribute("data-last"), type: "bar", data: f.children.map(function (c) { return c.last; }) }
      ];
    }
    var chart = window.fuqingChart.draw(el, {
      tooltip: tooltip,
      legend: { top: 0 },
      grid: { containLabel: true },
      // one row per unit (horizontal bars) at any width: twelve-character names never collide or run off
      // the edge, and a long list of units grows the chart downwards instead of squeezing the labels
      xAxis: { type: "value" },
      yAxis: { type: "category", data: names, triggerEvent: true },
      color: ["#b3261e", "#9ca3af", "#d97706", "#2563eb", "#059669", "#7c3aed", "#db2777", "#0891b2"],
      series: series
    });
    if (!chart) { return; }
    window.fuqingDashboardCharts[f.key] = chart;
    chart.on("click", function (params) {  // a bar, or the unit's name on the axis
      var index = params.componentType === "series" ? params.dataIndex : names.indexOf(params.value);
      var child = data.children[index];
      if (child) { window.location.href = urlOf(child.id); }
    });
  });
})();
