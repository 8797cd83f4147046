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
