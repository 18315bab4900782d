// `praisonai-svc drain`, the worker of the Container Apps job layout: runs what is queued, then exits.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, startApiProcess, waitForJob } from "./support/cli.js";
import { faultCluster, logLines, RECORDING_HANDLERS } from "./support/fault-cluster.js";
import { isolatedEnv } from "./support/storage.js";

const HANDLERS = path.join(ROOT, "test", "fixtures", "az", "greeting-handlers.ts");

describe("drain", () => {
  it("runs the queued jobs and exits 0 once the queue stays empty", async () => {
    const env = isolatedEnv({ PRAISONAI_SVC_POLL_MIN: "0.1", PRAISONAI_SVC_POLL_MAX: "0.5" });
    const { url } = await startApiProcess(HANDLERS, env);
    const ids: string[] = [];
    for (const name of ["Ada", "Grace"]) {
      const res = await fetch(`${url}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { job_id: string }).job_id);
    }
    const started = Date.now();
    const drain = runCli(["drain", HANDLERS, "--idle", "1"], {
      env: { ...env, PRAISONAI_SVC_LOG_LEVEL: "info" },
    });
    expect(await drain.exited, drain.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    for (const id of ids) expect((await waitForJob(url, id, { timeoutMs: 1000 })).status).toBe("done");
    expect(drain.output()).toMatch(/queue empty/);
  });

  it("stops taking jobs once one could overrun --max-runtime, finishes the one it runs, and exits 0", async () => {
    // Last start = start + max runtime - job timeout - 30 s: here 3 s after start, with 10 jobs of 0.6 s queued.
    const c = await faultCluster({ PRAISONAI_SVC_JOB_TIMEOUT: "1" });
    const url = await c.startApi();
    const ids: string[] = [];
    for (let n = 0; n < 10; n++) ids.push(await c.submit(url, { mode: "sleep", ms: 600, n }));
    const drain = runCli(["drain", RECORDING_HANDLERS, "--idle", "60", "--max-runtime", "34"], {
      env: c.env,
    });
    expect(await drain.exited, drain.output()).toBe(0);

    const [stopping] = logLines(drain, "drain: stopping");
    expect(stopping?.reason).toBe("time limit near");
    const starts = c.allExecutions().filter((r) => r.event === "start");
    const finishes = c.allExecutions().filter((r) => r.event === "finish");
    console.info(`[drain] --max-runtime: ${starts.length} of ${ids.length} jobs started before the limit`);
    // Some jobs ran, not all (--idle 60 would otherwise have let it run them all), none began after the stop,
    // and every one begun was finished and committed; the rest wait in the queue for the next execution.
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.length).toBeLessThan(ids.length);
    // One worker slot: at most the message received just before the stop may begin after it (claiming takes a
    // few storage calls); nothing received later.
    expect(starts.filter((r) => r.t > Number(stopping?.time)).length).toBeLessThanOrEqual(1);
    expect(finishes.map((r) => r.job).sort()).toEqual(starts.map((r) => r.job).sort());
    const rows = await Promise.all(ids.map((id) => c.job(id)));
    expect(
      rows
        .filter((j) => j.status === "done")
        .map((j) => j.id)
        .sort(),
    ).toEqual(starts.map((r) => r.job).sort());
    expect(rows.filter((j) => j.status !== "done").every((j) => j.status === "queued")).toBe(true);
  }, 90_000);

  it("refuses a non-positive --idle", async () => {
    const drain = runCli(["drain", HANDLERS, "--idle", "0"], { env: isolatedEnv() });
    expect(await drain.exited).toBe(1);
    expect(drain.output()).toMatch(/--idle="0" is not valid: expected a number of seconds from 0.001/);
  });
});
