// fuqing — field work: questionnaire skip logic in the browser, and the survey-month chart.
// Skip logic evaluates the same expression trees as fuqing/fieldwork/skiplogic.py (never eval).
(function () {
  "use strict";

  function number(value) {
    if (value === null || value === undefined || Array.isArray(value)) { return null; }
    var text = String(value).trim();
    return /^-?\d+(\.\d+)?$/.test(text) ? parseFloat(text) : null;
  }

  function evaluate(node, answers) {
    if (!node) { return true; }
    var op = node.op;
    if (op === "and") { return node.args.every(function (a) { return evaluate(a, answers); }); }
    if (op === "or") { return node.args.some(function (a) { return evaluate(a, answers); }); }
    if (op === "not") { return !evaluate(node.arg, answers); }
    var answer = answers[node.q];
    var target = String(node.v);
    if (Array.isArray(answer)) {
      if (op === "selected" || op === "=") { return answer.indexOf(target) >= 0; }
      if (op === "!=") { return answer.indexOf(target) < 0; }
      return false;
    }
    var text = answer === null || answer === undefined ? "" : String(answer);
    var left = number(text), right = number(target);
    var numeric = left !== null && right !== null;
    if (op === "selected" || op === "=") { return numeric ? left === right : text === target; }
    if (op === "!=") { return numeric ? left !== right : text !== target; }
    if (!numeric) {
      if (!text) { return false; }
      left = text; right = target;  // ISO dates compare as text
    }
    if (op === ">") { return left > right; }
    if (op === ">=") { return left >= right; }
    if (op === "<") { return left < right; }
    if (op === "<=") { return left <= right; }
    return false;
  }

  function valueOf(section) {
    var kind = section.getAttribute("data-kind");
    if (kind === "multiple") {
      return Array.prototype.map.call(section.querySelectorAll("input[type=checkbox]:checked"), function (i) { return i.value; });
    }
    if (kind === "single") {
      var checked = section.querySelector("input[type=radio]:checked");
      return checked ? checked.value : null;
    }
    var input = section.querySelector("input, textarea, select");
    var text = input ? input.value.trim() : "";
    return text === "" ? null : text;
  }

  function apply(form) {
    var answers = {};
    form.querySelectorAll(".fq-question").forEach(function (section) {
      var raw = section.getAttribute("data-condition");
      var shown = true;
      if (raw) {
        try { shown = evaluate(JSON.parse(raw), answers); } catch (e) { shown = true; }
      }
      section.hidden = !shown;
      section.querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = !shown; });
      if (shown) {
        var value = valueOf(section);
        if (value !== null && !(Array.isArray(value) && value.length === 0)) { answers[section.getAttribute("data-code")] = value; }
      }
    });
  }

  document.querySelectorAll("[data-fq-questionnaire]").forEach(function (form) {
    apply(form);
    form.addEventListener("input", function () { apply(form); });
    form.addEventListener("change", function () { apply(form); });
  });

  document.querySelectorAll("[data-fq-chart]").forEach(function (el) {
    if (!window.echarts) { return; }
    var data = JSON.parse(el.getAttribute("data-fq-chart"));
    // fuqingChart (app.js) turns many units on a narrow screen into horizontal bars.
    window.fuqingChart.draw(el, {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
      xAxis: { type: "category", data: data.units },
      yAxis: { type: "value" },
      color: ["#b3261e", "#d97706", "#2563eb", "#15803d", "#6b7280"],
      series: data.series.map(function (s) { return { name: s.name, type: "bar", stack: "visits", data: s.data }; })
    });
  });

  window.fuqingSkipLogic = { evaluate: evaluate };
})();
