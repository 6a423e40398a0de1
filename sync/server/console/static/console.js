// Field Sampler console: a little plain JavaScript, no framework.
document.addEventListener("click", function (e) {
  var p = e.target.closest("[data-print]");
  if (p) { window.print(); return; }
  var c = e.target.closest("[data-confirm]");
  if (c && !window.confirm(c.getAttribute("data-confirm"))) { e.preventDefault(); }
});
document.addEventListener("change", function (e) {
  if (e.target.matches("select[data-autosubmit]")) { e.target.form.submit(); }
});
