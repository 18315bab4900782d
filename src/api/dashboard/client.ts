// The admin dashboard's script, served as /admin/dashboard.js (the page allows no inline script). Plain
// browser JavaScript in a string: the package ships no bundler. Every value from the API is set as text,
// never as HTML, so nothing a job or a client wrote can run in the administrator's page.
export const DASHBOARD_JS = `"use strict";
(function () {
  var KEY = "praisonai-svc-admin-key";
  var $ = function (id) { return document.getElementById(id); };
  var cursor = null;

  function key() { return sessionStorage.getItem(KEY); }

  function say(text, ok) {
    $("message").textContent = text || "";
    $("message").className = ok ? "ok" : "";
  }

  // Every call carries the key as a header; a refused key is forgotten and asked for again.
  async function api(method, path) {
    var res = await fetch(path, { method: method, headers: { "x-api-key": key() || "", accept: "application/json" } });
    var body = await res.json().catch(function () { return {}; });
    if (res.status === 401 || res.status === 403) {
      sessionStorage.removeItem(KEY);
      show();
      throw new Error("The key was refused (" + res.status + "): " + (body.detail || "use the key named admin."));
    }
    if (!res.ok) throw new Error(body.detail || (method + " " + path + " answered " + res.status));
    return body;
  }

  function ms(v) {
    if (v === null || v === undefined) return "–";
    if (v < 1000) return Math.round(v) + " ms";
    if (v < 60000) return (v / 1000).toFixed(1) + " s";
    var s = Math.round(v / 1000);
    if (s < 3600) return Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s";
    return Math.floor(s / 3600) + "h" + String(Math.floor((s % 3600) / 60)).padStart(2, "0") + "m";
  }
  function when(iso) { return iso ? new Date(iso).toLocaleString() : "–"; }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    if (text instanceof Node) td.appendChild(text); else td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function badge(status) {
    var span = document.createElement("span");
    span.className = "status " + status;
    span.textContent = status;
    return span;
  }

  async function loadStats() {
    var s = await api("GET", "/admin/stats?hours=" + encodeURIComponent($("hours").value));
    $("s-total").textContent = s.counts.total;
    $("s-done").textContent = s.counts.done;
    $("s-error").textContent = s.counts.error;
    $("s-cancelled").textContent = s.counts.cancelled;
    $("s-active").textContent = s.counts.queued + s.counts.processing;
    $("s-depth").textContent = s.queue.depth;
    $("s-poison").textContent = s.queue.poison_depth;
    $("s-duration").textContent = ms(s.duration.median_ms) + " · " + ms(s.duration.p95_ms);
    $("s-wait").textContent = ms(s.queue_wait.median_ms) + " · " + ms(s.queue_wait.p95_ms);
    var chart = $("hours-chart");
    chart.replaceChildren();
    var max = Math.max.apply(null, s.per_hour.map(function (h) { return h.submitted; }).concat([1]));
    s.per_hour.forEach(function (h) {
      var bar = document.createElement("div");
      bar.style.height = Math.max(2, (h.submitted / max) * 100) + "%";
      if (h.submitted === 0) bar.className = "empty";
      bar.title = new Date(h.hour).toLocaleString() + ": " + h.submitted + " submitted, " + h.done + " done, " + h.failed + " failed";
      chart.appendChild(bar);
    });
  }

  async function loadJobs(more) {
    var q = new URLSearchParams({ limit: "20" });
    if ($("f-status").value) q.set("status", $("f-status").value);
    if ($("f-owner").value.trim()) q.set("owner", $("f-owner").value.trim());
    if (more && cursor) q.set("cursor", cursor);
    var page = await api("GET", "/jobs?" + q.toString());
    var rows = $("job-rows");
    if (!more) rows.replaceChildren();
    page.jobs.forEach(function (j) {
      var tr = document.createElement("tr");
      tr.dataset.job = j.job_id;
      var link = document.createElement("a");
      link.className = "job";
      link.href = "#job=" + j.job_id;
      link.textContent = j.job_id;
      link.title = "Show this job";
      cell(tr, link, "id");
      cell(tr, badge(j.status));
      var owner = document.createElement("a");
      owner.className = "owner";
      owner.textContent = j.owner || "(open API)";
      owner.title = "Show only this owner's jobs";
      owner.addEventListener("click", function () { $("f-owner").value = j.owner; refreshJobs(); });
      cell(tr, owner);
      cell(tr, when(j.created_utc));
      cell(tr, when(j.updated_utc));
      if (j.status === "done") cell(tr, (j.filename || "") + " (" + (j.size || 0) + " bytes)");
      else cell(tr, j.error_msg || "", "err");
      rows.appendChild(tr);
    });
    cursor = page.next_cursor;
    $("more").hidden = !cursor;
    if (!more && page.jobs.length === 0) {
      var tr = document.createElement("tr");
      cell(tr, "No jobs match.").colSpan = 6;
      rows.appendChild(tr);
    }
  }

  async function loadPoison() {
    var p = await api("GET", "/admin/poison-queue");
    var rows = $("poison-rows");
    rows.replaceChildren();
    p.jobs.forEach(function (r) {
      var tr = document.createElement("tr");
      cell(tr, r.job_id || "(unreadable record)", "id");
      cell(tr, r.retry_count === undefined ? "–" : String(r.retry_count));
      cell(tr, when(r.failed_utc));
      cell(tr, r.error_msg || "", "err");
      var td = cell(tr, "");
      if (r.job_id && r.job && r.job.status === "error") {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = "Requeue";
        button.addEventListener("click", function () { requeue(r.job_id, button); });
        td.appendChild(button);
      } else if (r.job) {
        td.textContent = r.job.status;
      }
      rows.appendChild(tr);
    });
    if (p.jobs.length === 0) {
      var tr = document.createElement("tr");
      cell(tr, "Empty: no job failed every delivery.").colSpan = 5;
      rows.appendChild(tr);
    }
  }

  async function requeue(id, button) {
    button.disabled = true;
    try {
      await api("POST", "/admin/poison-queue/" + encodeURIComponent(id) + "/requeue");
      say("Job " + id + " is queued again.", true);
      await refresh();
    } catch (e) {
      say(e.message);
      button.disabled = false;
    }
  }

  // The detail view follows the address's #job=<id>, so a job can be linked to and survives a reload; the
  // id is not a secret (the key never enters the address).
  function shownJob() {
    var m = /^#job=([0-9a-f-]{36})$/.exec(location.hash);
    return m ? m[1] : null;
  }

  function field(list, name, value, cls) {
    var dt = document.createElement("dt");
    dt.textContent = name;
    var dd = document.createElement("dd");
    if (cls) dd.className = cls;
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
    list.append(dt, dd);
  }

  var ACTIVE = ["queued", "processing"];

  async function loadDetail() {
    var id = shownJob();
    $("detail").hidden = !id;
    if (!id) return;
    var j = await api("GET", "/jobs/" + encodeURIComponent(id));
    if (shownJob() !== id) return; // another job was opened meanwhile
    $("d-id").textContent = j.job_id;
    var list = $("d-fields");
    list.replaceChildren();
    var created = Date.parse(j.created_utc), updated = Date.parse(j.updated_utc);
    var started = j.started_utc ? Date.parse(j.started_utc) : null;
    var active = ACTIVE.indexOf(j.status) >= 0;
    field(list, "Status", badge(j.status));
    field(list, "Owner", j.owner || "(open API)");
    field(list, "Submitted", when(j.created_utc));
    field(list, "Started", when(j.started_utc));
    field(list, active ? "Updated" : "Finished", when(j.updated_utc));
    field(list, "Queue wait", started === null ? "–" : ms(started - created));
    field(list, active ? "Running for" : "Run time",
      started === null ? "–" : ms((j.status === "processing" ? Date.now() : updated) - started));
    field(list, "Retries", String(j.retry_count));
    if (j.progress) {
      var bar = document.createElement("progress");
      bar.max = 1;
      bar.value = j.progress.fraction;
      var p = document.createElement("span");
      p.append(bar, " " + Math.round(j.progress.fraction * 100) + " %" + (j.progress.message ? " · " + j.progress.message : ""));
      field(list, "Progress", p);
    }
    if (j.status === "done") field(list, "File", (j.filename || "") + " (" + (j.size || 0) + " bytes, " + (j.content_type || "") + ")");
    if (j.error_msg) field(list, "Error", j.error_msg, "err");
    var download = $("d-download");
    download.hidden = !j.download_url;
    if (j.download_url) download.href = j.download_url; else download.removeAttribute("href");
    $("d-cancel").hidden = !active;
    $("d-cancel").disabled = false;
  }

  function showDetail() {
    return loadDetail().then(function () {
      if (shownJob()) $("detail").scrollIntoView();
    }, function (e) { say(e.message); });
  }

  async function cancelShown() {
    var id = shownJob();
    if (!id) return;
    $("d-cancel").disabled = true;
    try {
      await api("DELETE", "/jobs/" + encodeURIComponent(id));
      say("Job " + id + " is cancelled.", true);
    } catch (e) {
      say(e.message); // 409: it finished first; the refresh shows how
    }
    await refresh();
  }

  function refreshJobs() { cursor = null; return loadJobs(false).catch(function (e) { say(e.message); }); }

  async function refresh() {
    try {
      await Promise.all([loadStats(), loadJobs(false), loadPoison(), loadDetail()]);
    } catch (e) {
      say(e.message);
    }
  }

  function show() {
    var has = Boolean(key());
    $("login").hidden = has;
    $("board").hidden = !has;
    $("session").hidden = !has;
    if (has) refresh();
    else $("key").focus();
  }

  $("login").addEventListener("submit", function (e) {
    e.preventDefault();
    sessionStorage.setItem(KEY, $("key").value.trim());
    $("key").value = "";
    say("");
    show();
  });
  $("forget").addEventListener("click", function () { sessionStorage.removeItem(KEY); say(""); show(); });
  $("refresh").addEventListener("click", function () { say(""); refresh(); });
  $("hours").addEventListener("change", function () { loadStats().catch(function (e) { say(e.message); }); });
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); say(""); refreshJobs(); });
  $("d-cancel").addEventListener("click", cancelShown);
  $("d-close").addEventListener("click", function () { location.hash = ""; });
  window.addEventListener("hashchange", function () { if (key()) showDetail(); });
  $("more").addEventListener("click", function () { loadJobs(true).catch(function (e) { say(e.message); }); });
  show();
})();
`;
