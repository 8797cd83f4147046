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
    var horizontal = !line && block.labels.length > 6;
    var categoryAxis = { type: "category", data: block.labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var valueAxis = { type: "value", minInterval: 1 };
    var chart = echarts.init(el);
    chart.setOption({
      color: ["#b3261e", "#9ca3af"],
      tooltip: { trigger: "axis" },
      legend: { data: [thisYear, lastYear] },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true, axisLabel: { interval: 0 } }) : valueAxis,
      series: [
        { name: thisYear, type: line ? "line" : "bar", data: block["this"] },
        { name: lastYear, type: line ? "line" : "bar", data: block.last }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
