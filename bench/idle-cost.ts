// 5. Idle cost: storage transactions per hour of an idle `praisonai-svc worker`, counted by proxies in front of
// Azurite's three endpoints. An idle worker backs off to PRAISONAI_SVC_POLL_MAX between receives, so it is
// measured at a small POLL_MAX (0.5 s, to see many intervals quickly) and extrapolated to the default 30 s:
// per hour = 3600 / (POLL_MAX + the measured time one receive adds) + other calls seen in the window.

import { SETTINGS } from "../src/config/settings.js";
import { type AzuritePorts, azuriteConnectionString } from "../src/local/azurite.js";
import { namespace, ourStorage, serviceEnv, submit } from "./support/azure.js";
import { type CountingProxy, countingProxy } from "./support/counting-proxy.js";
import type { Sizes } from "./support/options.js";
import { sleep, startService, waitUntil } from "./support/procs.js";
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

export async function measureIdleCost(ctx: IdleContext): Promise<void> {
  const { conn, ports, sizes, results } = ctx;
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
    }),
    {
      onLine(line) {
        if (line.includes('"msg":"worker polling"')) ready = true;
        else if (line.includes('"msg":"job done"')) done++;
      },
    },
  );
  try {
    await waitUntil(
      () => ready,
      30_000,
      () => worker.tail(),
    );
    // Backing off from 0.05 s to 0.5 s takes 0.05+0.1+0.2+0.4 s; wait well past it.
    await sleep(2000);
    const from = performance.now();
    await sleep(sizes.idleWindowMs);
    const to = performance.now();
    const all = Object.values(proxies).flatMap((p) => p.hits.filter((h) => h.t >= from && h.t < to));
    const receives = all.filter((h) => isReceive(h.method, h.path)).sort((a, b) => a.t - b.t);
    const others = all.length - receives.length;
    const gaps = receives.slice(1).map((h, i) => h.t - (receives[i] as { t: number }).t);
    const gapMs = median(gaps);
    const windowH = (to - from) / 3_600_000;
    const defaultPollMaxS = Number(SETTINGS.pollMaxMs.default);
    results.set("idle_receive_gap_ms", gapMs);
    results.set("idle_tx_per_hour_measured", all.length / windowH);
    results.set(
      "idle_tx_per_hour",
      3600 / (defaultPollMaxS + (gapMs / 1000 - POLL_MAX_S)) + others / windowH,
    );

    // While at it: the storage calls one job costs the worker (the raw baseline makes 6), counted the same way.
    const storage = await ourStorage(conn, ns);
    const jobs = 10;
    const start = performance.now();
    for (let i = 0; i < jobs; i++) await submit(storage, { calls: i });
    await waitUntil(
      () => done >= jobs,
      30_000,
      () => `calls per job: ${done} of ${jobs} done`,
    );
    const during = Object.values(proxies).flatMap((p) => p.hits.filter((h) => h.t >= start));
    // Each job needs one receive that finds it; receives that found nothing are idle polling, not the job's.
    const perJob = during.filter((h) => !isReceive(h.method, h.path)).length / jobs + 1;
    results.set("worker_calls_per_job", perJob);

    ctx.log(
      `  ${perJob} storage calls per job; ${all.length} calls in ${((to - from) / 1000).toFixed(1)} s at POLL_MAX ${POLL_MAX_S} s (${receives.length} receives, ${others} other); median gap ${gapMs.toFixed(0)} ms`,
    );
  } finally {
    await worker.stop();
    await Promise.all(Object.values(proxies).map((p) => p.close()));
  }
}
