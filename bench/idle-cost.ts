// 5. Idle cost: storage transactions per hour of an idle `praisonai-svc worker`, counted by proxies in front of
// Azurite's three endpoints. An idle worker backs off to PRAISONAI_SVC_POLL_MAX between receives, so it is
// measured at a small POLL_MAX (0.5 s, to see many intervals quickly) and extrapolated to the default 30 s:
// per hour = 3600 / (POLL_MAX + the measured time one receive adds) + other calls seen in the window.
// Measured twice: telemetry off, and on (OTLP to a local sink, metrics every second, the depths sampled at
// most every second): the depth gauges are the one thing telemetry could add to an idle worker's calls.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SETTINGS } from "../src/config/settings.js";
import { type AzuritePorts, azuriteConnectionString } from "../src/local/azurite.js";
import { type Namespace, namespace, ourStorage, serviceEnv, submit } from "./support/azure.js";
import { type CountingProxy, countingProxy } from "./support/counting-proxy.js";
import type { Sizes } from "./support/options.js";
import { type Proc, sleep, startService, waitUntil } from "./support/procs.js";
import type { Results } from "./support/results.js";
import { median } from "./support/stats.js";

export interface IdleContext {
  conn: string;
  ports: AzuritePorts;
  sizes: Sizes;
  results: Results;
  log(msg: string): void;
}

const POLL_MIN_S = 0.05;
const POLL_MAX_S = 0.5;

const isReceive = (method: string, path: string) =>
  method === "GET" && /\/messages(\?|$)/.test(path) && !/peekonly=true/i.test(path);

/** A query of the table (the retention sweep's page of the history index), not a point read of one row. */
const isTableQuery = (method: string, path: string) => method === "GET" && /^\/[^/]+\/[^/(]+\(\)/.test(path);

/** A worker on fresh storage behind counting proxies. */
interface IdleWorker {
  ns: Namespace;
  proxies: Record<keyof AzuritePorts, CountingProxy>;
  worker: Proc;
  done(): number;
  stop(): Promise<void>;
}

async function startIdleWorker(ctx: IdleContext, extraEnv: Record<string, string>): Promise<IdleWorker> {
  const { conn, ports } = ctx;
  const ns = namespace();
  await ourStorage(conn, ns); // created beforehand: start-up calls are not idle cost
  const proxies: Record<keyof AzuritePorts, CountingProxy> = {
    blob: await countingProxy(ports.blob),
    queue: await countingProxy(ports.queue),
    table: await countingProxy(ports.table),
  };
  const viaProxies = azuriteConnectionString({
    blob: proxies.blob.port,
    queue: proxies.queue.port,
    table: proxies.table.port,
  });
  let ready = false;
  let done = 0;
  const worker = startService(
    "worker",
    serviceEnv(viaProxies, ns, {
      PRAISONAI_SVC_POLL_MIN: String(POLL_MIN_S),
      PRAISONAI_SVC_POLL_MAX: String(POLL_MAX_S),
      ...extraEnv,
    }),
    {
      onLine(line) {
        if (line.includes('"msg":"worker polling"')) ready = true;
        else if (line.includes('"msg":"job done"')) done++;
      },
    },
  );
  const stop = async () => {
    await worker.stop();
    await Promise.all(Object.values(proxies).map((p) => p.close()));
  };
  try {
    await waitUntil(
      () => ready,
      30_000,
      () => worker.tail(),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { ns, proxies, worker, done: () => done, stop };
}

/** Storage calls per hour of the idle worker, extrapolated to the default POLL_MAX. */
async function idleCalls(ctx: IdleContext, w: IdleWorker) {
  // Backing off from 0.05 s to 0.5 s takes 0.05+0.1+0.2+0.4 s; wait well past it.
  await sleep(2000);
  const from = performance.now();
  await sleep(ctx.sizes.idleWindowMs);
  const to = performance.now();
  const all = Object.values(w.proxies).flatMap((p) => p.hits.filter((h) => h.t >= from && h.t < to));
  const receives = all.filter((h) => isReceive(h.method, h.path)).sort((a, b) => a.t - b.t);
  const others = all.length - receives.length;
  const gapMs = median(receives.slice(1).map((h, i) => h.t - (receives[i] as { t: number }).t));
  const windowH = (to - from) / 3_600_000;
  const defaultPollMaxS = Number(SETTINGS.pollMaxMs.default);
  return {
    all: all.length,
    receives: receives.length,
    others,
    gapMs,
    seconds: (to - from) / 1000,
    measuredPerHour: all.length / windowH,
    perHour: 3600 / (defaultPollMaxS + (gapMs / 1000 - POLL_MAX_S)) + others / windowH,
  };
}

export async function measureIdleCost(ctx: IdleContext): Promise<void> {
  const { results } = ctx;
  const w = await startIdleWorker(ctx, {});
  try {
    const idle = await idleCalls(ctx, w);
    results.set("idle_receive_gap_ms", idle.gapMs);
    results.set("idle_tx_per_hour_measured", idle.measuredPerHour);
    results.set("idle_tx_per_hour", idle.perHour);

    // While at it: the storage calls one job costs the worker (the raw baseline makes 6), counted the same way.
    const storage = await ourStorage(ctx.conn, w.ns);
    const jobs = 10;
    const start = performance.now();
    for (let i = 0; i < jobs; i++) await submit(storage, { calls: i });
    await waitUntil(
      () => w.done() >= jobs,
      30_000,
      () => `calls per job: ${w.done()} of ${jobs} done`,
    );
    const during = Object.values(w.proxies).flatMap((p) => p.hits.filter((h) => h.t >= start));
    // Each job needs one receive that finds it; receives that found nothing are idle polling, not the job's.
    // The retention sweep (one history-index query, at most hourly after work) is not a job's either.
    const sweeps = during.filter((h) => isTableQuery(h.method, h.path)).length;
    const perJob =
      during.filter((h) => !isReceive(h.method, h.path) && !isTableQuery(h.method, h.path)).length / jobs + 1;
    results.set("worker_calls_per_job", perJob);

    ctx.log(
      `  ${perJob} storage calls per job (and ${sweeps} retention sweep queries); ${idle.all} calls in ${idle.seconds.toFixed(1)} s at POLL_MAX ${POLL_MAX_S} s (${idle.receives} receives, ${idle.others} other); median gap ${idle.gapMs.toFixed(0)} ms`,
    );
  } finally {
    await w.stop();
  }
  await measureIdleCostWithTelemetry(ctx);
}

/** The same idle worker with telemetry on, exporting to a sink that accepts and drops everything. */
async function measureIdleCostWithTelemetry(ctx: IdleContext): Promise<void> {
  const sink: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const w = await startIdleWorker(ctx, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`,
    PRAISONAI_SVC_METRICS_INTERVAL: "1",
    PRAISONAI_SVC_DEPTH_INTERVAL: "1",
  });
  try {
    const idle = await idleCalls(ctx, w);
    ctx.results.set("idle_tx_per_hour_telemetry", idle.perHour);
    ctx.log(
      `  telemetry on: ${idle.all} calls in ${idle.seconds.toFixed(1)} s (${idle.receives} receives, ${idle.others} other)`,
    );
  } finally {
    await w.stop();
    await new Promise((resolve) => sink.close(resolve));
  }
}
