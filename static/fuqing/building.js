// 组织建设概况: the children's coverage side by side (Homes, groups, training), drawn by fuqingChart
// (app.js), which turns many units on a narrow screen into horizontal bars. The table is on the page.
(function () {
  "use strict";
  document.querySelectorAll("[data-building-chart]").forEach(function (el) {
    if (!window.echarts || !window.fuqingChart) { return; }
    var data = JSON.parse(el.getAttribute("data-building-chart"));
    window.fuqingChart.draw(el, {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      legend: { top: 0 },
      grid: { right: 28 },  // the value axis ends in "100%", centred on the plot's edge
      xAxis: { type: "category", data: data.units },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      color: ["#b3261e", "#d97706", "#2563eb"],
      series: [
        { name: data.labels[0], type: "bar", data: data.homes },
        { name: data.labels[1], type: "bar", data: data.groups },
        { name: data.labels[2], type: "bar", data: data.training }
      ]
    });
  });
})();
