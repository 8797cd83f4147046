// fuqing — the visit form's women met (FLD-2, NEED-1): pick registered women of the place (masked, found
// by the server through the scope door) or add a new one with the few fields known, and write each need
// under the woman it belongs to. The list travels in the hidden field "women" as JSON.
(function () {
  "use strict";

  var box = document.getElementById("fq-women");
  var field = document.getElementById("id_women");
  if (!box || !field) { return; }
  var list = document.getElementById("fq-women-list");
  var results = document.getElementById("fq-woman-results");
  var query = document.getElementById("fq-woman-q");
  var count = document.getElementById("id_women_met");
  var women = [];
  try { women = JSON.parse(field.value || "[]") || []; } catch (e) { women = []; }
  women.forEach(function (w) { if (Array.isArray(w.needs)) { w.needs = w.needs.join("\n"); } });

  function save() {
    field.value = women.length ? JSON.stringify(women.map(function (w) {
      var item = { needs: (w.needs || "").split("\n").filter(function (l) { return l.trim(); }) };
      if (w.id) { item.id = w.id; } else { item.name = w.name; item.id_number = w.id_number; item.phone = w.phone; }
      item.label = w.label;
      return item;
    })) : (field.dataset.touched ? "[]" : "");
    if (count && women.length > (parseInt(count.value, 10) || 0)) { count.value = String(women.length); }
  }

  function render() {
    list.textContent = "";
    women.forEach(function (w, i) {
      var card = document.createElement("div");
      card.className = "border rounded p-2 fq-woman-card";
      card.dataset.index = String(i);
      var head = document.createElement("div");
      head.className = "d-flex justify-content-between align-items-center mb-1";
      var name = document.createElement("strong");
      name.textContent = w.label || w.name || "";
      if (!w.id) {
        var badge = document.createElement("span");
        badge.className = "badge text-bg-secondary ms-1";
        badge.textContent = box.dataset.new;
        name.appendChild(badge);
      }
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-link btn-sm text-danger fq-woman-remove";
      remove.textContent = box.dataset.remove;
      head.appendChild(name);
      head.appendChild(remove);
      var needs = document.createElement("textarea");
      needs.className = "form-control form-control-sm fq-woman-needs";
      needs.rows = 2;
      needs.placeholder = box.dataset.needs;
      needs.setAttribute("aria-label", box.dataset.needs);
      needs.value = w.needs || "";
      card.appendChild(head);
      card.appendChild(needs);
      list.appendChild(card);
    });
    save();
  }

  function add(item) {
    field.dataset.touched = "1";
    if (item.id && women.some(function (w) { return w.id === item.id; })) { return; }
    women.push(item);
    render();
    var areas = list.querySelectorAll(".fq-woman-needs");
    if (areas.length) { areas[areas.length - 1].focus(); }
  }

  results.addEventListener("click", function (event) {
    var button = event.target.closest(".fq-pick-woman");
    if (!button) { return; }
    add({ id: button.dataset.id, label: button.dataset.label, needs: "" });
    results.textContent = "";
    if (query) { query.value = ""; }
  });
  list.addEventListener("click", function (event) {
    var button = event.target.closest(".fq-woman-remove");
    if (!button) { return; }
    field.dataset.touched = "1";
    women.splice(parseInt(button.closest(".fq-woman-card").dataset.index, 10), 1);
    render();
  });
  list.addEventListener("input", function (event) {
    if (!event.target.classList.contains("fq-woman-needs")) { return; }
    women[parseInt(event.target.closest(".fq-woman-card").dataset.index, 10)].needs = event.target.value;
    save();
  });
  var addNew = document.getElementById("fq-new-add");
  if (addNew) {
    addNew.addEventListener("click", function () {
      var name = document.getElementById("fq-new-name");
      var idNumber = document.getElementById("fq-new-id");
      var phone = document.getElementById("fq-new-phone");
      if (!name.value.trim()) { name.focus(); return; }
      add({ name: name.value.trim(), id_number: idNumber.value.trim(), phone: phone.value.trim(),
            label: name.value.trim(), needs: "" });
      name.value = ""; idNumber.value = ""; phone.value = "";
      document.getElementById("fq-woman-new").open = false;
    });
  }
  // the search box must not submit the form with Enter
  if (query) {
    query.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
  }
  if (field.form) {
    field.form.addEventListener("submit", save);
    field.form.addEventListener("fq:before-keep", save);  // the outbox keeps the form offline (PLT-6)
    field.form.addEventListener("fq:filled", function () {  // an outbox item back in the form
      try { women = JSON.parse(field.value || "[]") || []; } catch (e) { women = []; }
      women.forEach(function (w) { if (Array.isArray(w.needs)) { w.needs = w.needs.join("\n"); } });
      render();
    });
  }
  render();
})();
