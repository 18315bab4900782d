// The Python runner's per-job overhead: a no-op handler run through the pool of Python processes (frames
// over pipes) against the same no-op run in-process, in this process, alternating, medians compared.
import path from "node:path";
import type { JobLogger } from "../src/app/handler.js";
import { ServiceApp } from "../src/app/service-app.js";
import { inProcessRunner } from "../src/runner/in-process.js";
import { pythonEnv } from "../src/runner/python/interpreter.js";
import { pythonRunner } from "../src/runner/python/pool.js";
import type { HandlerRunner } from "../src/runner/types.js";
import type { Sizes } from "./support/options.js";
import { FIXTURES } from "./support/procs.js";
import type { Results } from "./support/results.js";
import { median } from "./support/stats.js";

const silent: JobLogger = { info() {}, warn() {}, error() {}, debug() {} };

export async function measureRunnerOverhead(ctx: {
  sizes: Sizes;
  results: Results;
  log(msg: string): void;
}): Promise<void> {
  const app = new ServiceApp("bench no-op").job(() => ({
    data: "ok",
    contentType: "text/plain",
    filename: "ok.txt",
  }));
  const file = path.join(FIXTURES, "noop-handlers.py");
  const runners: Record<"inprocess" | "python", HandlerRunner> = {
    inprocess: inProcessRunner(app.definition),
    python: pythonRunner({
      python: "python3",
      file,
      cwd: FIXTURES,
      env: pythonEnv(process.env),
      log: silent,
      size: 1,
      maxJobs: Number.MAX_SAFE_INTEGER,
      killGraceMs: 5000,
    }),
  };
  const signal = new AbortController().signal;
  const samples: Record<keyof typeof runners, number[]> = { inprocess: [], python: [] };
  const runs = ctx.sizes.runnerOverheadRuns;
  try {
    for (let i = -Math.min(100, runs); i < runs; i++) {
      for (const key of ["inprocess", "python"] as const) {
        const t0 = performance.now();
        await runners[key].run({ n: i }, { jobId: `bench-${i}`, attempt: 1, signal, log: silent });
        if (i >= 0) samples[key].push(performance.now() - t0);
      }
    }
  } finally {
    await Promise.all(Object.values(runners).map((r) => r.close()));
  }
  const py = median(samples.python);
  const inproc = median(samples.inprocess);
  ctx.results.set("python_runner_run_ms", py);
  ctx.results.set("inprocess_runner_run_ms", inproc);
  ctx.results.set("python_runner_overhead_ms", py - inproc);
  ctx.log(
    `  python runner ${py.toFixed(3)} ms/job, in-process ${inproc.toFixed(3)} ms/job (medians of ${runs})`,
  );
}
