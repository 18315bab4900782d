// The admin dashboard's page and style: static, no data in them (the script fetches it with the key the
// administrator types once; it stays in sessionStorage and travels as X-API-Key, never in a URL).

/** Scripts, styles and requests from this origin only; nothing inline, nothing framed. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const dashboardHtml = (service: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(service)} · admin</title>
<link rel="stylesheet" href="/admin/dashboard.css">
<script src="/admin/dashboard.js" defer></script>
</head>
<body>
<header>
  <h1>${escapeHtml(service)} <span>admin</span></h1>
  <div id="session" hidden><button id="refresh" type="button">Refresh</button> <button id="forget" type="button">Forget key</button></div>
</header>
<p id="message" role="status"></p>
<form id="login" hidden>
  <label for="key">Admin key</label>
  <input id="key" type="password" autocomplete="off" required placeholder="the admin:&lt;key&gt; entry of PRAISONAI_SVC_API_KEYS">
  <button type="submit">Open</button>
  <p class="hint">Kept in this tab only (sessionStorage) and sent as the X-API-Key header.</p>
</form>
<main id="board" hidden>
  <section id="stats" aria-labelledby="stats-title">
    <h2 id="stats-title">Last <select id="hours"><option>1</option><option>6</option><option selected>24</option><option>72</option><option>168</option></select> hours</h2>
    <div class="cards">
      <div class="card"><b id="s-total">–</b><span>submitted</span></div>
      <div class="card"><b id="s-done">–</b><span>done</span></div>
      <div class="card"><b id="s-error">–</b><span>failed</span></div>
      <div class="card"><b id="s-cancelled">–</b><span>cancelled</span></div>
      <div class="card"><b id="s-active">–</b><span>queued or running</span></div>
      <div class="card"><b id="s-depth">–</b><span>messages waiting</span></div>
      <div class="card"><b id="s-poison">–</b><span>in the poison queue</span></div>
      <div class="card wide"><b id="s-duration">–</b><span>run time, median · p95</span></div>
      <div class="card wide"><b id="s-wait">–</b><span>queue wait, median · p95</span></div>
    </div>
    <div id="hours-chart" class="chart" aria-label="jobs submitted per hour"></div>
  </section>
  <section id="detail" aria-labelledby="detail-title" hidden>
    <h2 id="detail-title">Job <span id="d-id"></span></h2>
    <dl id="d-fields"></dl>
    <p class="actions"><a id="d-download" rel="noopener noreferrer" hidden>Download the file</a> <button id="d-cancel" type="button" hidden>Cancel this job</button> <button id="d-close" type="button">Close</button></p>
  </section>
  <section id="jobs" aria-labelledby="jobs-title">
    <h2 id="jobs-title">Jobs</h2>
    <form id="filters">
      <select id="f-status" aria-label="status"><option value="">any status</option><option>queued</option><option>processing</option><option>done</option><option>error</option><option>cancelled</option></select>
      <input id="f-owner" aria-label="owner" placeholder="owner (e.g. name:alice)">
      <button type="submit">Filter</button>
    </form>
    <table><thead><tr><th>Job</th><th>Status</th><th>Owner</th><th>Submitted</th><th>Updated</th><th>Result or error</th></tr></thead><tbody id="job-rows"></tbody></table>
    <button id="more" type="button" hidden>Older jobs</button>
  </section>
  <section id="poison" aria-labelledby="poison-title">
    <h2 id="poison-title">Poison queue</h2>
    <table><thead><tr><th>Job</th><th>Retries</th><th>Failed</th><th>Error</th><th></th></tr></thead><tbody id="poison-rows"></tbody></table>
  </section>
</main>
</body>
</html>
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const DASHBOARD_CSS = `
:root { font: 14px/1.45 system-ui, sans-serif; color: #1d2327; background: #f6f7f7; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 3rem; }
header { display: flex; align-items: center; justify-content: space-between; }
h1 { font-size: 1.4rem; margin: .5rem 0; } h1 span { color: #787c82; font-weight: 400; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid #2271b1; border-radius: 4px; background: #fff; color: #2271b1; cursor: pointer; }
button:hover { background: #f0f6fc; }
input, select { font: inherit; padding: .3rem .5rem; border: 1px solid #8c8f94; border-radius: 4px; }
#login { background: #fff; padding: 1.5rem; border-radius: 6px; box-shadow: 0 1px 3px #0002; max-width: 34rem; }
#login input { width: 100%; box-sizing: border-box; margin: .4rem 0 .8rem; }
.hint { color: #646970; font-size: .9em; }
#message { min-height: 1.4em; color: #b32d2e; margin: .3rem 0; }
#message.ok { color: #00a32a; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .6rem; }
.card { background: #fff; border-radius: 6px; padding: .7rem .9rem; box-shadow: 0 1px 2px #0001; }
.card b { display: block; font-size: 1.5rem; } .card span { color: #646970; }
.card.wide { grid-column: span 2; }
.chart { display: flex; align-items: flex-end; gap: 2px; height: 70px; margin-top: .8rem; background: #fff; padding: .5rem; border-radius: 6px; }
.chart div { flex: 1; background: #2271b1; min-height: 1px; border-radius: 2px 2px 0 0; }
.chart div.empty { background: #dcdcde; }
table { width: 100%; border-collapse: collapse; background: #fff; border-radius: 6px; overflow: hidden; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #f0f0f1; vertical-align: top; }
th { background: #f0f0f1; font-weight: 600; }
td.id { font-family: ui-monospace, monospace; font-size: .85em; }
td.err { color: #b32d2e; max-width: 28rem; overflow-wrap: anywhere; }
.status { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: .85em; background: #dcdcde; }
.status.done { background: #d1f0d9; } .status.error { background: #fbd9d9; } .status.processing { background: #fcf0c3; }
#detail { background: #fff; border-radius: 6px; padding: .2rem 1rem .6rem; box-shadow: 0 1px 3px #0002; }
#detail h2 span { font-family: ui-monospace, monospace; font-size: .85em; font-weight: 400; }
#d-fields { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
#d-fields dt { color: #646970; } #d-fields dd { margin: 0; overflow-wrap: anywhere; } #d-fields dd.err { color: #b32d2e; }
#detail .actions { display: flex; gap: .6rem; align-items: center; }
#d-cancel { border-color: #b32d2e; color: #b32d2e; }
.status.cancelled { background: #e5e5e5; color: #50575e; }
a.job { color: #2271b1; }
a.owner { color: #2271b1; cursor: pointer; text-decoration: underline; }
#filters { display: flex; gap: .5rem; margin-bottom: .6rem; }
#more { margin-top: .6rem; }
`;
