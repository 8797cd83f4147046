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
    if (op === "expr") { return asBool(expr(node.e, answers)); }
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

  // XLSForm expressions (constraint, relevant, calculation, choice_filter): the list trees of
  // skiplogic.parse_expr, evaluated as skiplogic.evaluate_expr does.
  function asText(v) {
    if (v === null || v === undefined) { return ""; }
    if (v === true) { return "true"; }
    if (v === false) { return "false"; }
    if (Array.isArray(v)) { return v.join(" "); }
    return String(v);
  }
  function asNumber(v) {
    if (v === true) { return 1; }
    if (v === false) { return 0; }
    if (typeof v === "number") { return v; }
    var t = asText(v).trim();
    return /^-?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : NaN;
  }
  function asBool(v) {
    if (typeof v === "boolean") { return v; }
    if (typeof v === "number") { return !isNaN(v) && v !== 0; }
    return asText(v) !== "";
  }
  function compare(op, l, r) {
    if (typeof l === "boolean" || typeof r === "boolean") { l = asBool(l); r = asBool(r); }
    else if (typeof l === "number" || typeof r === "number") {
      l = asNumber(l); r = asNumber(r);
      if (isNaN(l) || isNaN(r)) { return op === "!="; }
    } else {
      var a = asNumber(l), b = asNumber(r);
      if (!isNaN(a) && !isNaN(b) && op !== "=" && op !== "!=") { l = a; r = b; }
      else { l = asText(l); r = asText(r); if (op !== "=" && op !== "!=" && (!l || !r)) { return false; } }
    }
    if (op === "=") { return l === r; }
    if (op === "!=") { return l !== r; }
    if (op === ">") { return l > r; }
    if (op === ">=") { return l >= r; }
    if (op === "<") { return l < r; }
    return l <= r;
  }
  function fn(name, a) {
    switch (name) {
      case "not": return !asBool(a[0]);
      case "selected": return asText(a[0]).split(/\s+/).indexOf(asText(a[1])) >= 0;
      case "count-selected": return asText(a[0]).split(/\s+/).filter(Boolean).length;
      case "string-length": return asText(a[0]).length;
      case "regex": try { return new RegExp(asText(a[1])).test(asText(a[0])); } catch (e) { return false; }
      case "if": return asBool(a[0]) ? a[1] : a[2];
      case "concat": return a.map(asText).join("");
      case "contains": return asText(a[0]).indexOf(asText(a[1])) >= 0;
      case "starts-with": return asText(a[0]).indexOf(asText(a[1])) === 0;
      case "number": return asNumber(a[0]);
      case "int": return Math.trunc(asNumber(a[0]));
      case "round": var f = Math.pow(10, a.length > 1 ? asNumber(a[1]) : 0); return Math.round(asNumber(a[0]) * f) / f;
      case "coalesce": return asText(a[0]) !== "" ? a[0] : a[1];
      case "true": return true;
      case "false": return false;
      case "today": return new Date().toISOString().slice(0, 10);
    }
    return "";
  }
  function expr(node, answers, current, choice) {
    if (!node) { return true; }
    var k = node[0];
    if (k === "lit") { return node[1]; }
    if (k === "ref") { return answers[node[1]]; }
    if (k === "self") { return current; }
    if (k === "attr") { return (choice || {})[node[1]] || ""; }
    if (k === "neg") { return -asNumber(expr(node[1], answers, current, choice)); }
    if (k === "and") { return node[1].every(function (n) { return asBool(expr(n, answers, current, choice)); }); }
    if (k === "or") { return node[1].some(function (n) { return asBool(expr(n, answers, current, choice)); }); }
    if (k === "fn") { return fn(node[1], node[2].map(function (n) { return expr(n, answers, current, choice); })); }
    if (k === "bin") {
      var op = node[1], l = expr(node[2], answers, current, choice), r = expr(node[3], answers, current, choice);
      if (["=", "!=", ">", ">=", "<", "<="].indexOf(op) >= 0) { return compare(op, l, r); }
      var a = asNumber(l), b = asNumber(r);
      if (op === "+") { return a + b; }
      if (op === "-") { return a - b; }
      if (op === "*") { return a * b; }
      if (b === 0) { return NaN; }
      return op === "div" ? a / b : a % b;
    }
    return "";
  }
  function shownText(v) {
    if (typeof v === "number") { return isNaN(v) || !isFinite(v) ? "" : String(v); }
    return asText(v);
  }

  function json(section, name) {
    var raw = section.getAttribute(name);
    if (!raw) { return null; }
    try { return JSON.parse(raw); } catch (e) { return null; }
  }

  function applyTo(sections, answers) {
    sections.forEach(function (section) {
      var code = section.getAttribute("data-code");
      var condition = json(section, "data-condition");
      var shown = true;
      if (condition) {
        try { shown = condition.op === "expr" ? asBool(expr(condition.e, answers)) : evaluate(condition, answers); } catch (e) { shown = true; }
      }
      section.hidden = !shown;
      section.querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = !shown; });
      if (!shown) { return; }
      var filter = json(section, "data-filter");
      if (filter) {
        section.querySelectorAll("[data-choice]").forEach(function (option) {
          var ok = asBool(expr(filter, answers, null, json(option, "data-choice")));
          (option.closest(".form-check") || option).hidden = !ok;
          if (!ok) { option.checked = false; }
          option.disabled = !ok;
        });
      }
      var calc = json(section, "data-calc");
      if (calc) {
        var input = section.querySelector("input");
        if (input) { input.value = shownText(expr(calc, answers)); }
      }
      var value = valueOf(section);
      var constraint = json(section, "data-constraint");
      var box = section.querySelector(".fq-constraint");
      if (constraint && box) {
        var bad = value !== null && !(Array.isArray(value) && value.length === 0) &&
          !asBool(expr(constraint, answers, Array.isArray(value) ? value.join(" ") : value));
        box.hidden = !bad;
      }
      if (value !== null && !(Array.isArray(value) && value.length === 0)) { answers[code] = value; }
    });
  }

  function apply(form) {
    var answers = {};
    var top = Array.prototype.filter.call(form.querySelectorAll(".fq-question"), function (s) { return !s.closest("[data-fq-repeat-row]"); });
    applyTo(top, answers);
    form.querySelectorAll("[data-fq-repeat-row]").forEach(function (row) {
      var local = Object.assign({}, answers);
      applyTo(Array.prototype.slice.call(row.querySelectorAll(".fq-question")), local);
    });
  }

  function addRow(button) {
    var box = button.closest("[data-fq-repeat]");
    var template = box.querySelector("template");
    var rows = box.querySelector("[data-fq-repeat-rows]");
    var index = rows.children.length;
    var html = template.innerHTML.replace(/__INDEX__/g, String(index)).replace(/__NUMBER__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
  }

  function locate(button) {
    var section = button.closest(".fq-question");
    var input = section.querySelector("input");
    var note = section.querySelector(".fq-geo-status");
    if (!navigator.geolocation) { if (note) { note.textContent = button.getAttribute("data-unavailable"); } return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      input.value = p.coords.latitude.toFixed(6) + " " + p.coords.longitude.toFixed(6) + " " +
        Math.round(p.coords.altitude || 0) + " " + Math.round(p.coords.accuracy || 0);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }, function () { if (note) { note.textContent = button.getAttribute("data-denied"); } });
  }

  document.querySelectorAll("[data-fq-questionnaire]").forEach(function (form) {
    apply(form);
    form.addEventListener("input", function () { apply(form); });
    form.addEventListener("change", function () { apply(form); });
    form.addEventListener("click", function (event) {
      var add = event.target.closest("[data-fq-repeat-add]");
      if (add) { event.preventDefault(); addRow(add); apply(form); }
      var geo = event.target.closest("[data-fq-geo]");
      if (geo) { event.preventDefault(); locate(geo); }
    });
    form.addEventListener("submit", function (event) {
      apply(form);
      var bad = Array.prototype.filter.call(form.querySelectorAll(".fq-constraint"), function (b) { return !b.hidden && !b.closest("[hidden]"); });
      if (bad.length) { event.preventDefault(); bad[0].scrollIntoView({ block: "center" }); }
    });
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

  window.fuqingSkipLogic = { evaluate: evaluate, expr: expr, asBool: asBool };
})();
