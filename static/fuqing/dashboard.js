// 数据看板 (RPT-1): each figure's chart compares the children of the unit shown — this year against the
// same span of last year (two bars each), or this year's rows stacked (by status, by category). Drawn by
// fuqingChart (app.js) as horizontal bars (names truncated, never overlapping), the legend on top, above
// the plot. A click on a unit opens its own dashboard (drill-down).
(function () {
  "use strict";
  if (!window.echarts || !window.fuqingChart) { return; }
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var labels = document.getElementById("dashboard-labels");
  var urlOf = function (id) { return labels.getAttribute("data-url").replace("/0/", "/" + id + "/"); };
  var figures = {};
  data.sections.forEach(function (s) { s.figures.forEach(function (f) { figures[f.key] = f; }); });
  var names = data.children.map(function (c) { return c.name; });
  window.fuqingDashboardCharts = {};
  document.querySelectorAll("[data-dashboard-chart]").forEach(function (el) {
    var f = figures[el.getAttribute("data-dashboard-chart")];
    if (!f) { return; }
    var series;
    if (f.kind === "breakdown") {
      series = f.series.map(function (s) { return { name: s.name, type: "bar", stack: "this", data: s.data }; });
    } else {
      series = [
        { name: labels.getAttribute("data-this"), type: "bar", data: f.children.map(function (c) { return c.this; }) },
        { name: labels.getAttribute("data-last"), type: "bar", data: f.children.map(function (c) { return c.last; }) }
      ];
    }
    var chart = window.fuqingChart.draw(el, {
      tooltip: { trigger: "axis" },
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
