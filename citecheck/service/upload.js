"use strict";
// Upload page: send the files, then poll each job until it is done and show its report.
// Text from the server (file names, statuses, errors) is only ever written with textContent.
(function () {
  var form = document.getElementById("upload");
  var message = document.getElementById("message");
  var table = document.getElementById("jobs");
  var body = table.querySelector("tbody");
  var rows = {};

  function cell(row, cls) {
    var td = document.createElement("td");
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  }

  function show(job) {
    var row = rows[job.id];
    if (!row) {
      row = document.createElement("tr");
      row.setAttribute("data-job", job.id);
      cell(row, "name").textContent = job.name;
      cell(row, "status");
      cell(row, "report");
      body.appendChild(row);
      rows[job.id] = row;
      table.hidden = false;
    }
    var status = row.querySelector("td.status");
    status.textContent = job.status + (job.error ? ": " + job.error : "");
    status.setAttribute("data-status", job.status);
    var link = row.querySelector("td.report");
    if (job.status === "done" && job.report && !link.firstChild) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "show report";
      button.addEventListener("click", function () { view(job); });
      link.appendChild(button);
      var raw = document.createElement("a");
      raw.href = job.report.json;
      raw.textContent = " JSON";
      link.appendChild(raw);
      if (!document.getElementById("report").getAttribute("src")) { view(job); }
    }
  }

  function view(job) {
    document.getElementById("viewer").hidden = false;
    document.getElementById("viewer-title").textContent = job.name;
    document.getElementById("report").setAttribute("src", job.report.html);
  }

  function poll(id) {
    fetch("/api/jobs/" + encodeURIComponent(id)).then(function (r) { return r.json(); }).then(function (job) {
      if (!job || !job.id) { return; }
      show(job);
      if (job.status !== "done" && job.status !== "failed") { setTimeout(function () { poll(id); }, 700); }
      var left = Object.keys(rows).filter(function (k) {
        var s = rows[k].querySelector("td.status").getAttribute("data-status");
        return s !== "done" && s !== "failed";
      }).length;
      message.textContent = left ? left + " of " + Object.keys(rows).length + " still running" : "all done";
    }).catch(function () { setTimeout(function () { poll(id); }, 2000); });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var data = new FormData(form);
    message.textContent = "uploading…";
    fetch("/api/jobs", { method: "POST", body: data }).then(function (r) { return r.json(); }).then(function (answer) {
      (answer.errors || []).forEach(function (e) { message.textContent = e; });
      (answer.jobs || []).forEach(function (job) { show({ id: job.id, name: job.name, status: "queued" }); poll(job.id); });
      if (answer.error) { message.textContent = answer.error; }
    }).catch(function () { message.textContent = "upload failed"; });
  });
}());
