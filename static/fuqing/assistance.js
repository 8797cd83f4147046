// fuqing — hot-issues charts (NEED-5): reads the figures the page rendered with json_script.
(function () {
  var source = document.getElementById("hot-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var legend = data.legend || { "this": String(data.year) + "年", last: String(data.last) + "年" };
  var thisYear = legend["this"], lastYear = legend.last;
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var block = data[el.getAttribute("data-chart")];
    if (!block) { return; }
    var line = el.getAttribute("data-kind") === "line";
    // fuqingChart (app.js) picks horizontal bars, thinned labels and the legend's place by the width.
    window.fuqingChart.draw(el, {
      color: ["#b3261e", "#9ca3af"],
      tooltip: { trigger: "axis" },
      legend: { data: [thisYear, lastYear] },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "category", data: block.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: thisYear, type: line ? "line" : "bar", data: block["this"] },
        { name: lastYear, type: line ? "line" : "bar", data: block.last }
      ]
    });
  });
})();
