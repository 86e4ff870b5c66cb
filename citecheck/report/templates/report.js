"use strict";
// Finding filters: hide/show rows by severity (checkboxes) and kind (select), per document.
// Reads only data-* attributes and the embedded JSON; never writes HTML (textContent only).
(function () {
  var checks = {};
  try {
    checks = JSON.parse(document.getElementById("citecheck-data").textContent).checks || {};
  } catch (e) { checks = {}; }
  function apply(form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    if (!table) { return; }
    var wanted = {};
    form.querySelectorAll("input[name=severity]").forEach(function (box) { wanted[box.value] = box.checked; });
    var kind = form.querySelector("select[name=kind]").value;
    var rows = table.querySelectorAll("tbody tr.finding");
    var shown = 0;
    rows.forEach(function (row) {
      var sev = row.getAttribute("data-severity");
      var visible = (wanted[sev] !== false) && (!kind || row.getAttribute("data-kind") === kind);
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    form.querySelector("output.shown").textContent = shown + " of " + rows.length + " shown";
    var explain = form.querySelector(".explain");
    explain.textContent = kind && checks[kind] ? kind + ": " + checks[kind].explain : "";
    var empty = table.nextElementSibling;
    if (empty && empty.classList.contains("empty-filter")) { empty.hidden = shown !== 0; }
  }
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.hidden = false;
    form.addEventListener("change", function () { apply(form); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    apply(form);
  });
}());
