// 7. Wake on submit: `praisonai-svc run` (API and worker on one machine, as in the default deployment) at the
// default polling (PRAISONAI_SVC_POLL_MIN 1 s, _MAX 30 s). The worker is left idle first (60 s: it has long
// backed off to its 30 s wait), then jobs arrive over HTTP with gaps of 1-8 s, each finding the worker
// asleep in its backoff. Pickup = StartedUTC - CreatedUTC from the job row. The baseline is the same with
// the wake channel off (PRAISONAI_SVC_WAKE_PORT=0): what polling alone gives.
import path from "node:path";
import { type Namespace, namespace, ourStorage, serviceEnv } from "./support/azure.js";
import { request } from "./support/http.js";
import type { Mode } from "./support/options.js";
import { BIN, FIXTURES, type Proc, sleep, startProcess, waitUntil } from "./support/procs.js";
import type { Results } from "./support/results.js";
import { median, percentile } from "./support/stats.js";

export interface WakeContext {
  conn: string;
  mode: Mode;
  results: Results;
  log(msg: string): void;
}

/**
 * Idle time before the first job, and jobs after it (each after a gap from GAPS_MS). A quick run keeps to its
 * time budget: 8 s idle (the worker in its 4-8 s waits, not yet at 30 s), three jobs and no baseline.
 */
const SIZES: Record<Mode, { idleMs: number; jobs: number; baseline: boolean }> = {
  full: { idleMs: 60_000, jobs: 12, baseline: true },
  quick: { idleMs: 8000, jobs: 3, baseline: false },
  tiny: { idleMs: 2000, jobs: 2, baseline: true },
};
/** Fixed gaps (ms) between jobs after the idle spell: the same in every run, spread over the backoff's steps. */
const GAPS_MS = [3100, 1200, 7400, 2300, 5600, 1700, 6300, 4200, 2800, 7900, 1500, 5100];

export async function measureWake(ctx: WakeContext): Promise<void> {
  const size = SIZES[ctx.mode];
  const woken = await pickupsWithRun(ctx, size, {});
  ctx.results.set("pickup_idle_p50_ms", median(woken));
  ctx.results.set("pickup_idle_p99_ms", percentile(woken, 99));
  ctx.log(`  with wake: ${woken.map((v) => v.toFixed(0)).join(", ")} ms`);
  if (!size.baseline) {
    for (const name of ["pickup_idle_nowake_p50_ms", "pickup_idle_nowake_p99_ms", "pickup_idle_wake_ratio"]) {
      ctx.results.unavailable(name, `not measured in ${ctx.mode} runs (time budget)`);
    }
    return;
  }
  const polled = await pickupsWithRun(ctx, size, { PRAISONAI_SVC_WAKE_PORT: "0" });
  ctx.results.set("pickup_idle_nowake_p50_ms", median(polled));
  ctx.results.set("pickup_idle_nowake_p99_ms", percentile(polled, 99));
  ctx.results.ratio("pickup_idle_wake_ratio", "pickup_idle_p50_ms", "pickup_idle_nowake_p50_ms");
  ctx.log(`  polling only: ${polled.map((v) => v.toFixed(0)).join(", ")} ms`);
}

async function pickupsWithRun(
  ctx: WakeContext,
  size: { idleMs: number; jobs: number },
  extra: Record<string, string>,
): Promise<number[]> {
  const ns = namespace();
  const storage = await ourStorage(ctx.conn, ns);
  const { proc, url } = await startRun(ctx.conn, ns, extra);
  try {
    await sleep(size.idleMs);
    const out: number[] = [];
    for (let i = 0; i < size.jobs; i++) {
      if (i > 0) await sleep(GAPS_MS[(i - 1) % GAPS_MS.length] as number);
      const body = JSON.stringify({ wake: i, ns: ns.queue });
      const res = await request(undefined, "POST", `${url}/jobs`, body, {
        "content-type": "application/json",
      });
      const id = (JSON.parse(res.body) as { job_id: string }).job_id;
      let started: Date | undefined;
      const deadline = Date.now() + 45_000;
      while (!started) {
        const job = await storage.jobs.get(id);
        started = job?.startedUtc;
        if (started && job) out.push(started.getTime() - job.createdUtc.getTime());
        else if (Date.now() > deadline) throw new Error(`job ${id} not started in 45 s:\n${proc.tail()}`);
        else await sleep(50);
      }
    }
    return out;
  } finally {
    await proc.stop();
  }
}

/**
 * `praisonai-svc run` (API and worker in one, wake on submit on) on a namespace, at the default polling
 * (1 s doubling to 30 s); resolves once the API answers and the worker polls. `onLine` sees every line.
 */
export async function startRun(
  conn: string,
  ns: Namespace,
  extra: Record<string, string> = {},
  onLine?: (line: string) => void,
): Promise<{ proc: Proc; url: string }> {
  let url: string | undefined;
  let polling = false;
  const proc = startProcess(
    "praisonai-svc run",
    process.execPath,
    [BIN, "run", path.join(FIXTURES, "noop-handlers.ts"), "--port", "0"],
    {
      env: {
        ...serviceEnv(conn, ns, extra),
        PRAISONAI_SVC_POLL_MIN: "1",
        PRAISONAI_SVC_POLL_MAX: "30",
        PRAISONAI_SVC_LOG_LEVEL: "info",
      },
      onLine(line) {
        url ??= /API:\s+(http:\/\/\S+)/.exec(line)?.[1];
        if (line.includes('"msg":"worker polling"')) polling = true;
        onLine?.(line);
      },
    },
  );
  try {
    await waitUntil(
      () => url !== undefined && polling,
      60_000,
      () => proc.tail(),
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { proc, url: url as string };
}
