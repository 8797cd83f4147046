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
