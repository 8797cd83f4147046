// fuqing — small behaviours, no inline scripts (the CSP allows only files served by the platform).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]")) { el.form.submit(); }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches("[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
}, true);
// A form that came back with errors: bring its error summary into view and give it the focus, so a
// phone user sees at once that the save failed and what to correct; each link focuses its field.
(function () {
  function showSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", showSummary); } else { showSummary(); }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-error-link]") : null;
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("data-error-link"));
    if (!field) { return; }
    event.preventDefault();
    var details = field.closest("details");
    if (details) { details.open = true; }
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });
  // Fields Django marked aria-invalid but a template rendered without the summary: show them invalid too.
  document.querySelectorAll("[aria-invalid='true']").forEach(function (el) { el.classList.add("is-invalid"); });
})();
// Tables on a phone (PLT-6): cells keep their words on one line (app.css); a cell of long prose is
// marked to wrap in a readable column, and inside it a short name still never breaks.
(function () {
  var SHORT = 12, LONG = 24;
  function mark(root) {
    (root || document).querySelectorAll(".table-responsive > .table td").forEach(function (td) {
      if (td.classList.contains("fq-cell-long")) { return; }
      // The fixed first column stays narrow: beyond one name it wraps (the name itself does not).
      var first = !td.previousElementSibling && td.nextElementSibling;
      if (td.textContent.replace(/\s+/g, " ").trim().length <= (first ? SHORT : LONG)) { return; }
      td.classList.add("fq-cell-long");
      var walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT), nodes = [], node;
      while ((node = walker.nextNode())) { nodes.push(node); }
      nodes.forEach(function (text) {
        var length = text.textContent.trim().length;
        if (!length || length > SHORT) { return; }
        var parent = text.parentNode;
        if (parent !== td && parent.textContent.trim().length <= SHORT) { parent.classList.add("text-nowrap"); return; }
        var span = document.createElement("span");
        span.className = "text-nowrap";
        parent.replaceChild(span, text);
        span.appendChild(text);
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", function () { mark(); }); } else { mark(); }
  document.addEventListener("htmx:afterSwap", function (event) { mark(event.target); });
})();
// Charts (ECharts) that stay readable at any width: fuqingChart.draw(el, option) adapts the category
// axis and the legend to the container before drawing, and again when the width changes.
//  - category labels never overlap: shown all when they fit, thinned out (axisLabel.interval) when
//    they do not, and a bar chart with more categories than fit turns into horizontal bars, one row
//    per category (the container grows), long names truncated with the full name in the tooltip;
//  - the legend is one scrolling row at the top and the plot starts below it (grid.top), with
//    grid.containLabel so axis labels are never cut off.
window.fuqingChart = (function () {
  "use strict";
  var FONT = '12px "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var canvas;
  function textWidth(text) {
    canvas = canvas || document.createElement("canvas");
    var ctx = canvas.getContext("2d");
    ctx.font = FONT;
    return ctx.measureText(String(text)).width;
  }
  function widest(labels) {
    return labels.reduce(function (w, label) { return Math.max(w, textWidth(label)); }, 0);
  }
  function one(axis) { return Array.isArray(axis) ? axis[0] : axis; }
  function copy(obj) { return Object.assign({}, obj || {}); }

  function adapt(el, option, baseHeight) {
    var width = el.clientWidth || 320;
    var out = Object.assign({}, option);
    var x = copy(one(option.xAxis)), y = copy(one(option.yAxis));
    var series = (option.series || []).map(copy);
    var hasLegend = option.legend !== undefined && option.legend !== false;
    var legend = Object.assign({ type: "scroll", top: 0, left: "center", width: "90%", itemWidth: 18, itemHeight: 12 }, option.legend || {}, { type: "scroll", top: 0 });
    var valueAxisNamed = (x.type !== "category" && x.name) || (y.type !== "category" && y.name);
    var grid = Object.assign({ left: 8, right: 16, bottom: 8 }, option.grid || {}, { containLabel: true });
    grid.top = hasLegend ? (valueAxisNamed ? 52 : 40) : Math.max(grid.top || 16, valueAxisNamed ? 28 : 16);
    var allBars = series.length > 0 && series.every(function (s) { return s.type === "bar"; });
    var height = baseHeight;
    var category = x.type === "category" ? x : (y.type === "category" ? y : null);
    if (category) {
      var labels = (category.data || []).map(function (d) { return d && typeof d === "object" ? d.value : d; });
      var n = Math.max(labels.length, 1);
      var labelWidth = widest(labels) + 10;
      var horizontal = category === y;
      if (!horizontal) {
        var plot = width - grid.left - grid.right - 48;  // the value axis' labels take about 48 px
        var slot = plot / n;
        if (labelWidth > slot && allBars && n > 3) {
          horizontal = true;  // many units on a narrow screen: one row per unit
          var swap = x; x = y; y = swap;
          series.forEach(function (s) { if (s.markLine) { s.markLine = copy(s.markLine); } });
        } else {
          x.axisLabel = Object.assign({}, x.axisLabel, { rotate: 0, hideOverlap: true, interval: labelWidth > slot ? Math.ceil(labelWidth / slot) - 1 : 0 });
        }
      }
      if (horizontal) {
        var maxLabel = Math.round(Math.min(Math.max(width * 0.38, 150), width * 0.5));  // twelve characters
        y.inverse = true;
        y.axisLabel = Object.assign({}, y.axisLabel, { rotate: 0, interval: 0, width: maxLabel, overflow: "truncate" });
        x.axisLabel = Object.assign({}, x.axisLabel, { rotate: 0, hideOverlap: true });
        var stacked = series.some(function (s) { return s.stack; });
        var bars = stacked ? 1 : series.length;
        height = Math.max(baseHeight, grid.top + 36 + n * Math.max(24, bars * 12 + 10));
        out.tooltip = Object.assign({ trigger: "axis" }, option.tooltip || {}, { confine: true });
      }
    }
    out.xAxis = x;
    out.yAxis = y;
    out.series = series;
    out.grid = grid;
    if (hasLegend) { out.legend = legend; }
    out.tooltip = Object.assign({}, out.tooltip || option.tooltip || {}, { confine: true });
    return { option: out, height: height };
  }

  function draw(el, option, opts) {
    if (!window.echarts) { return null; }
    var baseHeight = el.clientHeight || 320;
    var chart = window.echarts.init(el, null, opts || undefined);
    var lastWidth = -1;
    function render() {
      var width = el.clientWidth;
      if (width === lastWidth) { chart.resize(); return; }
      lastWidth = width;
      var adapted = adapt(el, option, baseHeight);
      if (el.clientHeight !== adapted.height) { el.style.height = adapted.height + "px"; }
      chart.resize();
      chart.setOption(adapted.option, true);
    }
    render();
    window.addEventListener("resize", render);
    return chart;
  }

  return { draw: draw, adapt: adapt };
})();
