// 4. Memory: resident memory (VmRSS) of the API and worker processes idle and while 10,000 jobs go through
// them (POST /jobs at concurrency 16, three workers running four jobs each), next to a bare Fastify server answering as many
// requests. A time budget bounds the run on a slow machine: `memory_jobs` says how many jobs were run.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { freePort } from "../src/local/azurite.js";
import { namespace, ourStorage, serviceEnv } from "./support/azure.js";
import { keepAliveAgent, postJson, request } from "./support/http.js";
import { runLoad } from "./support/load.js";
import type { Sizes } from "./support/options.js";
import {
  FIXTURES,
  type Proc,
  rssMb,
  sleep,
  startProcess,
  startService,
  waitForHealth,
  waitUntil,
} from "./support/procs.js";
import type { Results } from "./support/results.js";
import { median } from "./support/stats.js";

export interface MemoryContext {
  conn: string;
  sizes: Sizes;
  results: Results;
  log(msg: string): void;
}

const WORKERS = 3;
/** Jobs per worker process at once: 10,000 jobs pass in minutes, not ten; memory per job is what is measured. */
const WORKER_CONCURRENCY = "4";
const CHECKPOINTS = 10;
const OUTSTANDING = 64;
const IDLE_SETTLE_MS = 1000;

/**
 * MiB per 10,000 operations from samples of (operations so far, RSS): after the warm-up fifth, the median of
 * the last third of the samples against the median of the first third. Medians, not a fitted slope: the heap
 * grows and shrinks in steps as the garbage collector works, and one step must not pose as a trend.
 */
export function growthPer10k(points: { x: number; y: number }[]): number {
  const last = points[points.length - 1]?.x ?? 0;
  const warm = points.filter((p) => p.x >= last / 5);
  const third = Math.max(1, Math.floor(warm.length / 3));
  const early = warm.slice(0, third);
  const late = warm.slice(-third);
  const dx = median(late.map((p) => p.x)) - median(early.map((p) => p.x));
  return dx > 0 ? ((median(late.map((p) => p.y)) - median(early.map((p) => p.y))) / dx) * 10_000 : 0;
}

export async function measureMemory(ctx: MemoryContext): Promise<void> {
  const { conn, sizes, results } = ctx;
  const n = sizes.memoryJobs;

  // The bare server: idle, then n requests in checkpoints.
  const barePort = await freePort();
  const bare = startProcess("bare fastify", process.execPath, [path.join(FIXTURES, "bare-server.mjs")], {
    env: { PORT: String(barePort) },
  });
  const bareUrl = `http://127.0.0.1:${barePort}`;
  await waitForHealth(bareUrl, bare);
  await sleep(IDLE_SETTLE_MS);
  results.set("bare_idle_rss_mb", rssMb(bare.pid));
  const agent = keepAliveAgent(16);
  const barePoints: { x: number; y: number }[] = [];
  for (let c = 1; c <= CHECKPOINTS; c++) {
    await runLoad({ concurrency: 16, total: n / CHECKPOINTS }, async () => {
      const res = await request(agent, "GET", `${bareUrl}/health`);
      if (res.status !== 200) throw new Error(`bare server answered ${res.status}`);
    });
    barePoints.push({ x: (c * n) / CHECKPOINTS, y: rssMb(bare.pid) });
  }
  await bare.stop();
  results.set("bare_rss_growth_mb_per_10k", growthPer10k(barePoints));

  // Ours: one API and three workers on a fresh namespace.
  const ns = namespace();
  await ourStorage(conn, ns);
  const env = serviceEnv(conn, ns, {
    PRAISONAI_SVC_POLL_MIN: "0.05",
    PRAISONAI_SVC_POLL_MAX: "0.2",
    PRAISONAI_SVC_CONCURRENCY: WORKER_CONCURRENCY,
  });
  const port = await freePort();
  const api = startService("api", env, { port, quiet: true });
  const url = `http://127.0.0.1:${port}`;
  const perWorker = Array.from({ length: WORKERS }, () => 0);
  let done = 0;
  let ready = 0;
  const workers: Proc[] = perWorker.map((_, w) =>
    startService("worker", env, {
      onLine(line) {
        if (line.includes('"msg":"job done"')) {
          done++;
          perWorker[w] = (perWorker[w] as number) + 1;
        } else if (line.includes('"msg":"worker polling"')) ready++;
      },
    }),
  );
  const apiPoints: { x: number; y: number }[] = [];
  const workerPoints: { x: number; y: number }[][] = workers.map(() => []);
  try {
    await waitForHealth(url, api);
    await waitUntil(
      () => ready >= WORKERS,
      30_000,
      () => workers.map((w) => w.tail()).join("\n"),
    );
    await sleep(IDLE_SETTLE_MS);
    results.set("idle_rss_mb", rssMb(api.pid));
    results.set("worker_idle_rss_mb", Math.max(...workers.map((w) => rssMb(w.pid))));

    const run = randomUUID();
    let submitted = 0;
    const deadline = performance.now() + sizes.memorySeconds * 1000;
    for (let c = 1; c <= CHECKPOINTS && (c <= 3 || performance.now() < deadline); c++) {
      const target = Math.round((c * n) / CHECKPOINTS);
      await runLoad({ concurrency: 16, total: target - submitted }, async () => {
        while (submitted - done >= OUTSTANDING) await sleep(2);
        submitted++;
        const res = await postJson(agent, `${url}/jobs`, { n: submitted, run });
        if (res.status !== 202)
          throw new Error(`POST /jobs answered ${res.status}: ${res.body.slice(0, 200)}`);
      });
      await waitUntil(
        () => done >= target,
        120_000,
        () => `memory: ${done} of ${target} jobs done`,
      );
      apiPoints.push({ x: target, y: rssMb(api.pid) });
      for (const [i, w] of workers.entries())
        workerPoints[i]?.push({ x: perWorker[i] as number, y: rssMb(w.pid) });
      ctx.log(
        `  ${target} jobs: API ${apiPoints.at(-1)?.y.toFixed(0)} MiB, workers ${workers.map((w) => rssMb(w.pid).toFixed(0)).join("/")} MiB`,
      );
    }
  } finally {
    agent.destroy();
    await Promise.all([api.stop(), ...workers.map((w) => w.stop())]);
  }

  results.set("memory_jobs", apiPoints.at(-1)?.x ?? 0);
  const apiGrowth = growthPer10k(apiPoints);
  const workerGrowth = Math.max(...workerPoints.map(growthPer10k));
  results.set("api_rss_growth_mb_per_10k", apiGrowth);
  results.set("worker_rss_growth_mb_per_10k", workerGrowth);
  results.set("rss_growth_mb_per_10k", Math.max(apiGrowth, workerGrowth));
  ctx.log(
    `  api RSS ${apiPoints.map((p) => p.y.toFixed(0)).join(" ")} MiB; worker 1 ${workerPoints[0]?.map((p) => p.y.toFixed(0)).join(" ")} MiB; bare ${barePoints.map((p) => p.y.toFixed(0)).join(" ")} MiB`,
  );
}
