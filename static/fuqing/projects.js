// fuqing projects: the progress chart (ECharts), the split editor's live sum, the woman picker.
(function () {
  "use strict";

  function fmt(n) {
    if (n === null || n === undefined) { return "—"; }
    return Number(n).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }

  // Progress over the months against the expected line (PRJ-3). The data sit in data-chart (JSON).
  function drawChart(el) {
    if (!window.echarts) { return; }
    var data = JSON.parse(el.getAttribute("data-chart"));
    var series = [
      { name: "累计完成", type: "bar", data: data.values, itemStyle: { color: "#b3261e" }, barMaxWidth: 36 },
      { name: "应完成", type: "line", data: data.expected, symbol: "circle", lineStyle: { type: "dashed", color: "#555" }, itemStyle: { color: "#555" } }
    ];
    if (data.target !== null) {
      series[1].markLine = { symbol: "none", label: { position: "insideEndTop", formatter: "目标 " + fmt(data.target) }, lineStyle: { color: "#15803d" }, data: [{ yAxis: data.target }] };
    }
    // fuqingChart (app.js) thins the month labels and keeps the legend above the plot.
    window.fuqingChart.draw(el, {
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", name: data.unit, axisLabel: { formatter: function (v) { return v >= 10000 ? (v / 10000) + "万" : v; } } },
      series: series
    }, { renderer: "svg" });
  }

  // The split editor: the parts' sum and its difference from the whole, as the user types (PRJ-2).
  function watchSplit(form) {
    var whole = Number(form.getAttribute("data-whole"));
    var total = document.getElementById("split-total");
    var diff = document.getElementById("split-diff");
    function update() {
      var sum = 0;
      form.querySelectorAll("[data-part]").forEach(function (input) {
        var v = Number((input.value || "").replace(/,/g, ""));
        if (!isNaN(v)) { sum += v; }
      });
      sum = Math.round(sum * 100) / 100;
      var d = Math.round((sum - whole) * 100) / 100;
      total.textContent = fmt(sum);
      if (d === 0) {
        diff.textContent = "分解合计 " + fmt(sum) + "，与总目标一致。";
      } else if (d < 0) {
        diff.textContent = "分解合计 " + fmt(sum) + "，比总目标 " + fmt(whole) + " 少 " + fmt(-d) + "，尚未分完。";
      } else {
        diff.textContent = "分解合计 " + fmt(sum) + "，比总目标 " + fmt(whole) + " 多 " + fmt(d) + "，超出总目标。";
      }
      diff.className = d === 0 ? "status-on-track" : "status-behind";
    }
    form.addEventListener("input", update);
  }

  // The woman picker: htmx fills #woman-options; a click puts her id in the hidden field.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-woman-id]") : null;
    if (!button) { return; }
    event.preventDefault();
    var input = document.querySelector("input[name=woman]");
    var label = document.getElementById("woman-chosen");
    if (input) { input.value = button.getAttribute("data-woman-id"); }
    if (label) { label.textContent = button.getAttribute("data-woman-label"); label.classList.remove("text-muted"); }
    var options = document.getElementById("woman-options");
    if (options) { options.innerHTML = ""; }
  });

  // Help kinds follow the chosen project (beneficiary form).
  function watchKinds(select) {
    var kinds = JSON.parse(select.getAttribute("data-kinds"));
    var list = document.getElementById("help-kind-options");
    function update() {
      if (!list) { return; }
      list.innerHTML = "";
      (kinds[select.value] || []).forEach(function (k) {
        var option = document.createElement("option");
        option.value = k;
        list.appendChild(option);
      });
    }
    select.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(drawChart);
    var split = document.getElementById("split-form");
    if (split) { watchSplit(split); }
    var project = document.querySelector("select[data-kinds]");
    if (project) { watchKinds(project); }
  });
})();
