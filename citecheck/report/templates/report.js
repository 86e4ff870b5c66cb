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
// Sortable tables: click a heading to sort its rows (numbers by value, text by locale), again to reverse.
(function () {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var numeric = th.getAttribute("data-sort") === "num";
        var up = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.cells[col];
          var raw = cell.getAttribute("data-value") || cell.textContent;
          return numeric ? parseFloat(raw) || 0 : raw.trim();
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var c = numeric ? x - y : String(x).localeCompare(String(y));
          return up ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { sort(); } });
    });
  });
}());
