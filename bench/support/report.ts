// Writes the results: bench/results/latest.json (flat metrics, the machine, reasons for nulls) and the
// generated tables of docs/performance.md (between markers; the prose around them is kept).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Mode } from "./options.js";
import { ROOT } from "./procs.js";
import type { Results } from "./results.js";
import { round3 } from "./stats.js";

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  date: string;
  mode: Mode;
  /** Load average (1 min) when the run started: other work on the machine makes absolute figures noisy. */
  load_avg_1m: number;
  commit: string;
  /** The service code measured (dist/, built from src/) had uncommitted changes. */
  uncommitted_src: boolean;
  seconds: number;
}

export function describeMachine(mode: Mode, loadAvg: number, seconds: number): Machine {
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  };
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    node: process.version,
    date: new Date().toISOString(),
    mode,
    load_avg_1m: Number(loadAvg.toFixed(2)),
    commit: git("rev-parse", "--short", "HEAD") || "unknown",
    uncommitted_src: git("status", "--porcelain", "--", "src", "bin") !== "",
    seconds: Math.round(seconds),
  };
}

interface Row {
  name: string;
  what: string;
  goal?: { op: ">=" | "<="; value: number };
}

/** The figures in the order the page shows them; a figure not listed here still goes to the JSON. */
export const SECTIONS: { title: string; rows: Row[] }[] = [
  {
    title: "1. API (`praisonai-svc api` over HTTP vs the same SDK calls made directly)",
    rows: [
      {
        name: "api_post_ratio",
        what: "POST /jobs throughput ÷ raw (one transaction of the job, its 4 index rows and its dedupe key; sendMessage), concurrency 16",
        goal: { op: ">=", value: 0.8 },
      },
      {
        name: "api_get_ratio",
        what: "GET /jobs/{id} (done job) throughput ÷ raw (getEntity + SAS), concurrency 16",
        goal: { op: ">=", value: 0.8 },
      },
      { name: "api_post_ratio_c1", what: "the same at concurrency 1 (latency-bound)" },
      { name: "api_get_ratio_c1", what: "the same at concurrency 1 (latency-bound)" },
      {
        name: "raw_post_index_cost_ratio",
        what: "raw POST throughput with the 4 history-index rows ÷ without them, concurrency 16 (the index's price on Azurite; real Azure bills one transaction either way)",
      },
      {
        name: "api_rate_limited_post_rps_c1",
        what: "service POST req/s, concurrency 1, with the submission rate limit on (Table Storage counter)",
      },
      ...["post", "get"].flatMap((op) =>
        ["api", "raw"].flatMap((who) =>
          [1, 16].flatMap((c) => [
            {
              name: `${who}_${op}_rps_c${c}`,
              what: `${who === "api" ? "service" : "raw"} ${op.toUpperCase()} req/s, concurrency ${c}`,
            },
            {
              name: `${who}_${op}_p50_ms_c${c}`,
              what: `${who === "api" ? "service" : "raw"} ${op.toUpperCase()} p50 latency (ms), concurrency ${c}`,
            },
            {
              name: `${who}_${op}_p99_ms_c${c}`,
              what: `${who === "api" ? "service" : "raw"} ${op.toUpperCase()} p99 latency (ms), concurrency ${c}`,
            },
          ]),
        ),
      ),
    ],
  },
  {
    title: "2. Worker (no-op jobs end to end, submit → done)",
    rows: [
      {
        name: "worker_e2e_ratio",
        what: "jobs/s with 3 `praisonai-svc worker` processes ÷ 3 raw worker processes",
        goal: { op: ">=", value: 0.7 },
      },
      { name: "worker_e2e_ratio_w1", what: "the same with 1 process each" },
      { name: "worker_jobs_per_s_w1", what: "ours, 1 worker process (jobs/s)" },
      { name: "worker_jobs_per_s_w3", what: "ours, 3 worker processes (jobs/s)" },
      {
        name: "raw_jobs_per_s_w1",
        what: "raw: receive, get, claim, upload, commit, delete (claim and commit each one transaction with the index rows); 1 process (jobs/s)",
      },
      { name: "raw_jobs_per_s_w3", what: "raw, 3 processes (jobs/s)" },
      {
        name: "raw_worker_index_cost_ratio",
        what: "raw jobs/s, 1 process, with the claim and commit moving the history-index rows ÷ without them",
      },
      { name: "worker_cpu_ms_per_job_w1", what: "CPU time of our worker process per job (ms)" },
      {
        name: "python_runner_overhead_ms",
        what: "per-job cost of the Python runner over the in-process one, no-op handlers (ms, medians)",
        goal: { op: "<=", value: 2 },
      },
      { name: "python_runner_run_ms", what: "one no-op job through the Python runner (ms, median)" },
      { name: "inprocess_runner_run_ms", what: "one no-op job through the in-process runner (ms, median)" },
      {
        name: "pyhandler_jobs_per_s_w1",
        what: "ours serving a no-op handlers.py, 1 worker process (jobs/s)",
      },
      { name: "pyhandler_jobs_per_s_w3", what: "the same, 3 worker processes (jobs/s)" },
      { name: "raw_cpu_ms_per_job_w1", what: "CPU time of the raw worker process per job (ms)" },
      {
        name: "pickup_busy_p50_ms",
        what: "enqueue → processing, jobs POSTed every 200 ms to `praisonai-svc run` (wake on submit), default polling (ms, p50)",
      },
      { name: "pickup_busy_p99_ms", what: "the same, p99 (ms)", goal: { op: "<=", value: 1000 } },
      {
        name: "pickup_busy_polling_p50_ms",
        what: "the same with a lone worker and nothing to wake it: polling alone (ms, p50)",
      },
      { name: "pickup_busy_polling_p99_ms", what: "the same, p99 (ms)" },
      {
        name: "pickup_backoff_p50_ms",
        what: "enqueue → processing after a lone worker (no API beside it to wake it) backed off (ms, p50)",
      },
      { name: "pickup_backoff_max_ms", what: "the same, largest sample (ms)" },
      {
        name: "pickup_backoff_poll_max_ms",
        what: "PRAISONAI_SVC_POLL_MAX used for that pickup (ms); default 30000",
      },
    ],
  },
  {
    title: "3. Start-up (spawn → first 200 from /health)",
    rows: [
      {
        name: "startup_ratio",
        what: "`praisonai-svc api dist/handlers.mjs` (handlers.ts compiled by `praisonai-svc build`, as deployed) ÷ bare Fastify",
        goal: { op: "<=", value: 1.5 },
      },
      { name: "startup_ms", what: "`praisonai-svc api dist/handlers.mjs` (ms)" },
      {
        name: "startup_schema_ratio",
        what: "the same for the handlers.ts `praisonai-svc new service` writes (a zod schema: the deployed default) ÷ bare Fastify",
        goal: { op: "<=", value: 1.5 },
      },
      { name: "startup_schema_ms", what: "`praisonai-svc api dist/handlers.mjs` of a `new service` (ms)" },
      {
        name: "startup_tsx_ratio",
        what: "`praisonai-svc api handlers.ts` (tsx compiles it at start: local development) ÷ bare Fastify",
      },
      { name: "startup_tsx_ms", what: "`praisonai-svc api handlers.ts` (ms)" },
      {
        name: "startup_python_handlers_ms",
        what: "`praisonai-svc api handlers.py` (ms): Python imports the file once for its name and schema",
      },
      { name: "bare_startup_ms", what: "bare Fastify server (ms)" },
      {
        name: "startup_telemetry_ratio",
        what: "`praisonai-svc api` with telemetry on (OTLP) ÷ off: the SDK loads after the API listens",
      },
      { name: "startup_telemetry_ms", what: "`praisonai-svc api` with telemetry on (ms)" },
    ],
  },
  {
    title: "4. Memory (VmRSS)",
    rows: [
      { name: "idle_rss_mb", what: "`praisonai-svc api`, idle (MiB)" },
      { name: "worker_idle_rss_mb", what: "`praisonai-svc worker`, idle (MiB)" },
      { name: "bare_idle_rss_mb", what: "bare Fastify server, idle (MiB)" },
      { name: "rss_growth_mb_per_10k", what: "larger of API and worker growth per 10,000 jobs (MiB)" },
      { name: "api_rss_growth_mb_per_10k", what: "API growth per 10,000 jobs (MiB)" },
      { name: "worker_rss_growth_mb_per_10k", what: "worker growth per 10,000 jobs it ran (MiB)" },
      { name: "bare_rss_growth_mb_per_10k", what: "bare server growth per 10,000 requests (MiB)" },
      { name: "memory_jobs", what: "jobs run for the growth figures" },
    ],
  },
  {
    title: "5. Idle cost (storage calls of an idle worker)",
    rows: [
      {
        name: "idle_tx_per_hour",
        what: "transactions per hour at the default PRAISONAI_SVC_POLL_MAX (30 s)",
        goal: { op: "<=", value: 120 },
      },
      {
        name: "idle_tx_per_hour_telemetry",
        what: "the same with telemetry on (OTLP, depth sampled at most every second)",
        goal: { op: "<=", value: 120 },
      },
      { name: "idle_tx_per_hour_measured", what: "transactions per hour counted at POLL_MAX 0.5 s" },
      { name: "idle_receive_gap_ms", what: "time between two receives at POLL_MAX 0.5 s (ms)" },
      {
        name: "worker_calls_per_job",
        what: "storage calls one job costs the worker (the raw sequence is 6)",
      },
    ],
  },
  {
    title: "6. Job history (one page of GET /jobs with many jobs stored; requests counted by a proxy)",
    rows: [
      {
        name: "history_page_first_requests",
        what: "storage requests for the newest page of 20 of one owner's jobs",
        goal: { op: "<=", value: 1 },
      },
      {
        name: "history_page_deep_requests",
        what: "storage requests for a page half-way through that owner's history",
        goal: { op: "<=", value: 1 },
      },
      { name: "history_page_status_requests", what: "storage requests for a page of one status" },
      {
        name: "history_unindexed_scan_requests",
        what: "storage requests for the same newest 20 without the index (owner filter, read to the end, sorted)",
      },
      { name: "history_unindexed_scan_jobs", what: "rows that read returns" },
      {
        name: "history_page_first_ms",
        what: "newest page (ms; Azurite scans its whole table for any query)",
      },
      { name: "history_point_read_ms", what: "one point read, the same-run baseline (ms)" },
      { name: "history_page_vs_point_read_ratio", what: "newest page ÷ point read (time)" },
      { name: "history_deep_vs_first_page_ratio", what: "deep page ÷ newest page (time)" },
      { name: "history_unindexed_vs_page_ratio", what: "without the index ÷ newest page (time)" },
    ],
  },
  {
    title: "7. Peers (same Azurite, same no-op workload; ratios are ours ÷ theirs)",
    rows: [
      {
        name: "python_original_post_ratio",
        what: "POST /jobs req/s at concurrency 16, ours ÷ Python original 1.2.0",
      },
      { name: "python_original_e2e_ratio", what: "jobs/s with 3 workers, ours ÷ Python original" },
      {
        name: "python_handler_e2e_ratio",
        what: "the same with ours running the same no-op handlers.py, ours ÷ Python original",
        goal: { op: ">=", value: 2 },
      },
      { name: "bullmq_e2e_ratio", what: "jobs/s with 3 workers, ours ÷ BullMQ on Redis" },
      { name: "python_post_rps_c1", what: "Python original POST req/s, concurrency 1" },
      { name: "python_post_rps_c16", what: "Python original POST req/s, concurrency 16" },
      { name: "python_post_p99_ms_c16", what: "Python original POST p99 (ms), concurrency 16" },
      { name: "python_jobs_per_s_w1", what: "Python original, 1 worker process (jobs/s)" },
      { name: "python_jobs_per_s_w3", what: "Python original, 3 worker processes (jobs/s)" },
      { name: "python_original_startup_ms", what: "Python original API start-up (ms)" },
      { name: "bullmq_jobs_per_s_w1", what: "BullMQ, 1 worker process (jobs/s)" },
      { name: "bullmq_jobs_per_s_w3", what: "BullMQ, 3 worker processes (jobs/s)" },
    ],
  },
  {
    title: "8. Wake on submit (`praisonai-svc run`, default polling 1-30 s, after 60 s idle)",
    rows: [
      {
        name: "pickup_idle_p50_ms",
        what: "POST → processing, jobs 1-8 s apart after 60 s idle, the API waking its worker (ms, p50)",
        goal: { op: "<=", value: 200 },
      },
      { name: "pickup_idle_p99_ms", what: "the same, p99 (ms)" },
      {
        name: "pickup_idle_nowake_p50_ms",
        what: "the same with PRAISONAI_SVC_WAKE_PORT=0, polling only (ms, p50)",
      },
      { name: "pickup_idle_nowake_p99_ms", what: "the same, p99 (ms)" },
      { name: "pickup_idle_wake_ratio", what: "pickup p50 with wake ÷ polling only" },
    ],
  },
];

export function writeJson(file: string, machine: Machine, results: Results): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const metrics = Object.fromEntries(
    Object.entries(results.metrics).map(([k, v]) => [k, v === null ? null : round3(v)]),
  );
  writeFileSync(file, `${JSON.stringify({ machine, metrics, reasons: results.reasons }, null, 2)}\n`);
}

const BEGIN = "<!-- bench:begin: generated by `npm run bench`; edit the prose outside these markers -->";
const END = "<!-- bench:end -->";

export function renderTables(machine: Machine, results: Results): string {
  const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "—" : String(round3(v)));
  const lines = [
    BEGIN,
    "",
    `Measured ${machine.date.slice(0, 16).replace("T", " ")} UTC on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ` +
      `\`${machine.mode}\` run of ${machine.seconds} s, commit ${machine.commit}${machine.uncommitted_src ? " with uncommitted changes in src/" : ""}, ` +
      `load average ${machine.load_avg_1m} at the start. Every figure is a median over repeats in the same run.`,
  ];
  const listed = new Set<string>();
  for (const section of SECTIONS) {
    lines.push("", `### ${section.title}`, "", "| Figure | Value | Goal | |", "|---|---:|---|---|");
    for (const row of section.rows) {
      listed.add(row.name);
      const v = results.metrics[row.name];
      let goal = "";
      if (row.goal) {
        const met =
          typeof v === "number" && (row.goal.op === ">=" ? v >= row.goal.value : v <= row.goal.value);
        goal = `${row.goal.op === ">=" ? "≥" : "≤"} ${row.goal.value} ${typeof v === "number" ? (met ? "✅ met" : "❌ missed") : ""}`;
      }
      const reason = results.reasons[row.name];
      lines.push(
        `| \`${row.name}\` | ${fmt(v)} | ${goal} | ${row.what}${reason ? ` — not measured: ${reason}` : ""} |`,
      );
    }
  }
  const extra = Object.keys(results.metrics).filter((k) => !listed.has(k));
  if (extra.length > 0) {
    lines.push("", "### Other figures", "", "| Figure | Value |", "|---|---:|");
    for (const k of extra) lines.push(`| \`${k}\` | ${fmt(results.metrics[k])} |`);
  }
  lines.push("", END);
  return lines.join("\n");
}

/** Replaces the generated part of the page (or appends it), keeping everything else as written. */
export function writeDoc(file: string, machine: Machine, results: Results): void {
  const tables = renderTables(machine, results);
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Performance\n";
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? current.slice(0, begin) + tables + current.slice(end + END.length)
      : `${current.trimEnd()}\n\n## Latest figures\n\n${tables}\n`;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, next);
}
