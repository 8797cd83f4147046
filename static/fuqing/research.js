// research: the print button (no inline scripts under the CSP).
document.addEventListener("click", function (event) {
  var el = event.target.closest ? event.target.closest("[data-print]") : null;
  if (el) { event.preventDefault(); window.print(); }
});
