// 2. Worker: no-op jobs per second end to end with 1 and 3 `praisonai-svc worker` processes, next to the raw
// storage calls one job needs made from this process, the Python original's worker and BullMQ on Redis;
// and pickup latency (enqueue -> processing) of a busy worker and of one that has backed off.
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Storage } from "../src/storage/types.js";
import { bullmqSystem, redisAvailable } from "./bullmq.js";
import { type PythonPeer, pythonEnv, pythonSubmit, startPythonWorker } from "./python.js";
import { measureRunnerOverhead } from "./python-runner.js";
import { namespace, ourStorage, type RawClients, rawClients, serviceEnv, submit } from "./support/azure.js";
import { type E2EResult, type E2ESystem, runE2E } from "./support/e2e.js";
import { request } from "./support/http.js";
import type { Sizes } from "./support/options.js";
import { FIXTURES, type Proc, sleep, startFixtureWorkers, startService, waitUntil } from "./support/procs.js";
import type { Results } from "./support/results.js";
import { median, percentile } from "./support/stats.js";
import { startRun } from "./wake.js";

export interface WorkerContext {
  conn: string;
  sizes: Sizes;
  python: PythonPeer;
  results: Results;
  log(msg: string): void;
}

/** Throughput runs poll fast so no worker sits in a backoff sleep when the feeder starts (steady state never polls empty). */
const FAST_POLL = { PRAISONAI_SVC_POLL_MIN: "0.05", PRAISONAI_SVC_POLL_MAX: "0.2" };
const WORKER_COUNTS = [1, 3] as const;
const E2E_TIMEOUT_MS = 60_000;

export const PYTHON_E2E_METRICS = [
  "python_jobs_per_s_w1",
  "python_jobs_per_s_w3",
  "python_original_e2e_ratio",
  "python_handler_e2e_ratio",
];
const QUICK_SKIPS = "measured in full runs only (the quick run's time budget)";
export const BULLMQ_METRICS = ["bullmq_jobs_per_s_w1", "bullmq_jobs_per_s_w3", "bullmq_e2e_ratio"];

export async function measureWorker(ctx: WorkerContext): Promise<void> {
  const { conn, sizes, results } = ctx;
  const systems: { key: string; system: E2ESystem; only?: number }[] = [
    { key: "worker", system: oursSystem(conn) },
    { key: "raw", system: rawSystem(conn) },
    // The raw worker without the history index: what moving its rows costs a job (1 process: latency-bound).
    { key: "raw_noindex", system: rawSystem(conn, { index: false }), only: 1 },
  ];
  // Ours serving the Python original's no-op handler as a handlers.py (the Python runner in the loop): a
  // figure of no goal, left to full runs like the peers (two turns with Python start-ups, ~7 s of a quick run).
  if (sizes.peers)
    systems.push({ key: "pyhandler", system: oursSystem(conn, path.join(FIXTURES, "noop-handlers.py")) });
  else
    for (const workers of WORKER_COUNTS)
      for (const name of [`pyhandler_jobs_per_s_w${workers}`, `pyhandler_cpu_ms_per_job_w${workers}`])
        results.unavailable(name, QUICK_SKIPS);
  if (ctx.python.ok) systems.push({ key: "python", system: pythonSystem(conn, ctx.python) });
  else for (const name of PYTHON_E2E_METRICS) results.unavailable(name, ctx.python.reason);
  const redis = sizes.peers ? await redisAvailable() : QUICK_SKIPS;
  if (redis === true) systems.push({ key: "bullmq", system: bullmqSystem() });
  else for (const name of BULLMQ_METRICS) results.unavailable(name, redis);

  for (const workers of WORKER_COUNTS) {
    const here = systems.filter((s) => s.only === undefined || s.only === workers);
    const measured = await runE2E(
      here.map((s) => s.system),
      workers,
      sizes,
      E2E_TIMEOUT_MS,
    );
    for (const [k, { key }] of here.entries()) {
      const { rates, cpuMsPerJob } = measured[k] as E2EResult;
      results.set(`${key}_jobs_per_s_w${workers}`, median(rates));
      results.set(`${key}_cpu_ms_per_job_w${workers}`, median(cpuMsPerJob));
      ctx.log(
        `  ${`${key} x${workers}`.padEnd(12)} ${rates.map((v) => v.toFixed(1)).join(", ")} jobs/s; ` +
          `worker CPU ${cpuMsPerJob.map((v) => v.toFixed(1)).join(", ")} ms/job`,
      );
    }
  }
  results.ratio("worker_e2e_ratio_w1", "worker_jobs_per_s_w1", "raw_jobs_per_s_w1");
  results.ratio("worker_e2e_ratio", "worker_jobs_per_s_w3", "raw_jobs_per_s_w3");
  results.ratio("raw_worker_index_cost_ratio", "raw_jobs_per_s_w1", "raw_noindex_jobs_per_s_w1");
  if (ctx.python.ok) {
    results.ratio("python_original_e2e_ratio", "worker_jobs_per_s_w3", "python_jobs_per_s_w3");
    results.ratio("python_handler_e2e_ratio", "pyhandler_jobs_per_s_w3", "python_jobs_per_s_w3");
  }
  if (redis === true) results.ratio("bullmq_e2e_ratio", "worker_jobs_per_s_w3", "bullmq_jobs_per_s_w3");

  await measurePickup(ctx);
  await measureRunnerOverhead(ctx);
}

/** Real `praisonai-svc worker` processes; a job counts as done when its worker logs "job done". */
function oursSystem(conn: string, file?: string): E2ESystem {
  const run = randomUUID();
  let storage: Storage;
  let procs: Proc[] = [];
  return {
    label: file ? `praisonai-svc worker ${path.basename(file)}` : "praisonai-svc worker",
    async start(workers, onDone) {
      const ns = namespace();
      storage = await ourStorage(conn, ns);
      let ready = 0;
      procs = Array.from({ length: workers }, (_, w) =>
        startService("worker", serviceEnv(conn, ns, FAST_POLL), {
          ...(file ? { file } : {}),
          onLine(line) {
            if (line.includes('"msg":"job done"')) onDone(w);
            else if (line.includes('"msg":"worker polling"')) ready++;
          },
        }),
      );
      await waitUntil(
        () => ready >= workers,
        30_000,
        () => procs.map((p) => p.tail()).join("\n"),
      );
    },
    submit: (i) => submit(storage, { n: i, run }).then(() => {}),
    pids: () => procs.map((p) => p.pid),
    stop: () => Promise.all(procs.map((p) => p.stop())).then(() => {}),
  };
}

/**
 * The ceiling: one job's storage calls and nothing else, in worker processes of their own
 * (`bench/fixtures/raw-worker.mjs`), fed by the same submissions as ours; `index: false` leaves the
 * history-index rows out of the claim and the commit.
 */
function rawSystem(conn: string, { index = true }: { index?: boolean } = {}): E2ESystem {
  const run = randomUUID();
  let storage: Storage;
  let procs: Proc[] = [];
  return {
    label: index ? "raw storage calls" : "raw storage calls without the index",
    async start(workers, onDone) {
      const ns = namespace();
      storage = await ourStorage(conn, ns);
      const env = {
        BENCH_CONN: conn,
        BENCH_TABLE: ns.table,
        BENCH_QUEUE: ns.queue,
        BENCH_CONTAINER: ns.container,
        BENCH_INDEX: index ? "1" : "0",
      };
      procs = await startFixtureWorkers("raw worker", "raw-worker.mjs", workers, env, onDone);
    },
    submit: (i) => submit(storage, { n: i, run }).then(() => {}),
    pids: () => procs.map((p) => p.pid),
    stop: () => Promise.all(procs.map((p) => p.stop())).then(() => {}),
  };
}

/** The Python original's worker processes, fed rows and messages in its own format. */
function pythonSystem(conn: string, peer: PythonPeer & { ok: true }): E2ESystem {
  const run = randomUUID();
  let raw: RawClients;
  let procs: Proc[] = [];
  return {
    label: "python original worker",
    async start(workers, onDone) {
      const ns = namespace();
      raw = await rawClients(conn, ns);
      // Its poll wait (whole seconds) capped at 1 s, so it wakes soon when its turn comes (as FAST_POLL for ours).
      const env = { ...pythonEnv(conn, ns), PRAISONAI_WORKER_POLL_INTERVAL_MAX: "1" };
      procs = Array.from({ length: workers }, (_, w) => startPythonWorker(peer, env, () => onDone(w)));
      // It logs "Worker started" once its clients exist and it polls.
      await waitUntil(
        () => procs.every((p) => p.tail().includes("Worker started")),
        60_000,
        () => procs.map((p) => p.tail()).join("\n"),
      );
    },
    submit: (i) => pythonSubmit(raw, { n: i, run }).then(() => {}),
    pids: () => procs.map((p) => p.pid),
    stop: () => Promise.all(procs.map((p) => p.stop())).then(() => {}),
  };
}

/**
 * Pickup latency from the job rows (StartedUTC - CreatedUTC), one worker at its default polling
 * (PRAISONAI_SVC_POLL_MIN 1 s, _MAX 30 s): busy = jobs arriving every 200 ms; after idle = one job arriving
 * once the worker has backed off to its longest wait, measured with POLL_MAX scaled down (3 s; POLL_MIN = MAX/30 as by default).
 */
async function measurePickup(ctx: WorkerContext): Promise<void> {
  const { conn, sizes, results } = ctx;
  const run = randomUUID();

  // As jobs really arrive: POST /jobs to `praisonai-svc run`, whose API wakes its worker on each submission.
  const busy = await busyPickupThroughRun(conn, sizes.pickupBusyJobs, run);
  results.set("pickup_busy_p50_ms", median(busy));
  results.set("pickup_busy_p99_ms", percentile(busy, 99));
  // Polling alone: a lone worker fed from this process, nothing to wake it (each wait up to POLL_MIN).
  const polled = await withWorker(conn, {}, async (storage, done) => {
    const ids: string[] = [];
    for (let i = 0; i < sizes.pickupBusyJobs; i++) {
      ids.push((await submit(storage, { busy: i, run })).id);
      await sleep(200);
    }
    await waitUntil(
      () => ids.every((id) => done.has(id)),
      60_000,
      () => `busy pickup: ${done.size} of ${ids.length} done`,
    );
    return pickups(storage, ids);
  });
  results.set("pickup_busy_polling_p50_ms", median(polled));
  results.set("pickup_busy_polling_p99_ms", percentile(polled, 99));

  const pollMaxS = sizes.pickupIdlePollMaxS;
  const idle = await withWorker(
    conn,
    { PRAISONAI_SVC_POLL_MIN: String(pollMaxS / 30), PRAISONAI_SVC_POLL_MAX: String(pollMaxS) },
    async (storage, done) => {
      const ids: string[] = [];
      for (let i = 0; i < sizes.pickupIdleSamples; i++) {
        // Backing off from max/30 to max takes (1+2+4+8+16)/30 of max; then arrive at a random point of a longest wait.
        await sleep((pollMaxS * 1000 * 31) / 30 + 100 + Math.random() * pollMaxS * 1000);
        const id = (await submit(storage, { idle: i, run })).id;
        ids.push(id);
        await waitUntil(
          () => done.has(id),
          30_000,
          () => `idle pickup: job ${id} not done`,
        );
      }
      return pickups(storage, ids);
    },
  );
  // Polling alone (a worker with no API beside it, so nothing wakes it); wake.ts measures `run` with wake-ups.
  results.set("pickup_backoff_p50_ms", median(idle));
  results.set("pickup_backoff_max_ms", Math.max(...idle));
  results.set("pickup_backoff_poll_max_ms", pollMaxS * 1000);
  ctx.log(
    `  pickup busy (run, wake on submit) ${busy.map((v) => v.toFixed(0)).join(", ")} ms; ` +
      `polling only ${polled.map((v) => v.toFixed(0)).join(", ")} ms; after idle ${idle.map((v) => v.toFixed(0)).join(", ")} ms`,
  );
}

/** Pickup of `jobs` jobs posted 200 ms apart to a `praisonai-svc run` (API and worker, wake on submit). */
async function busyPickupThroughRun(conn: string, jobs: number, run: string): Promise<number[]> {
  const ns = namespace();
  const storage = await ourStorage(conn, ns);
  const { proc, url } = await startRun(conn, ns);
  try {
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) {
      const res = await request(undefined, "POST", `${url}/jobs`, JSON.stringify({ busy: i, run }), {
        "content-type": "application/json",
      });
      if (res.status !== 202) throw new Error(`POST /jobs answered ${res.status}: ${res.body.slice(0, 300)}`);
      ids.push((JSON.parse(res.body) as { job_id: string }).job_id);
      await sleep(200);
    }
    const deadline = performance.now() + 60_000;
    for (;;) {
      const rows = await Promise.all(ids.map((id) => storage.jobs.get(id)));
      if (rows.every((job) => job?.status === "done")) break;
      if (performance.now() > deadline)
        throw new Error(`busy pickup through run: not all ${jobs} jobs done in 60 s:\n${proc.tail()}`);
      await sleep(100);
    }
    return await pickups(storage, ids);
  } finally {
    await proc.stop();
  }
}

async function withWorker<T>(
  conn: string,
  env: Record<string, string>,
  body: (storage: Storage, done: Set<string>) => Promise<T>,
): Promise<T> {
  const ns = namespace();
  const storage = await ourStorage(conn, ns);
  const done = new Set<string>();
  let ready = false;
  const proc = startService("worker", serviceEnv(conn, ns, env), {
    onLine(line) {
      if (line.includes('"msg":"job done"')) done.add((JSON.parse(line) as { jobId: string }).jobId);
      else if (line.includes('"msg":"worker polling"')) ready = true;
    },
  });
  try {
    await waitUntil(
      () => ready,
      30_000,
      () => proc.tail(),
    );
    return await body(storage, done);
  } finally {
    await proc.stop();
  }
}

async function pickups(storage: Storage, ids: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const id of ids) {
    const job = await storage.jobs.get(id);
    if (!job?.startedUtc) throw new Error(`job ${id} has no StartedUTC`);
    out.push(job.startedUtc.getTime() - job.createdUtc.getTime());
  }
  return out;
}
