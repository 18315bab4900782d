// Fault injection: SIGTERM (a scale-in or a redeploy) while a worker runs a job.
import { describe, expect, it } from "vitest";
import { faultCluster, logLines, waitUntil } from "./support/fault-cluster.js";

describe("SIGTERM during a job", () => {
  it("finishes the job within the grace period, takes no new work, and exits 0", async () => {
    const c = await faultCluster({ PRAISONAI_SVC_SHUTDOWN_GRACE: "15" });
    const url = await c.startApi();
    const worker = await c.startWorker();
    const id = await c.submit(url, { mode: "sleep", ms: 3000, case: "term-finish" });
    await waitUntil(() => c.executions(id, "start")[0], 15_000, "the job to start");
    const termAt = Date.now();
    worker.kill("SIGTERM");
    // Submitted while the worker drains: it must stay in the queue for another worker.
    const next = await c.submit(url, { mode: "sleep", ms: 0, case: "term-after" });

    const code = await worker.exited;
    const exitMs = Date.now() - termAt;

    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(15_000);
    const job = await c.job(id);
    expect(job.status).toBe("done");
    expect(c.executions(id, "finish").map((r) => r.pid)).toEqual([worker.pid]);
    expect(logLines(worker, "worker stopped")).toHaveLength(1);
    expect((await c.job(next)).status).toBe("queued");
    expect(c.executions(next)).toEqual([]);

    const other = await c.startWorker();
    expect((await c.waitForStatus(next, ["done", "error"], 20_000)).status).toBe("done");
    expect(c.executions(next, "finish").map((r) => r.pid)).toEqual([other.pid]);
    console.info(`[fault] SIGTERM, grace 15 s > job: job finished, exit 0 after ${exitMs} ms`);
  });

  it("hands the job back when the grace period is shorter than the job; another worker completes it", async () => {
    const graceMs = 1000;
    const c = await faultCluster({ PRAISONAI_SVC_SHUTDOWN_GRACE: String(graceMs / 1000) });
    const url = await c.startApi();
    const workers = await Promise.all([c.startWorker(), c.startWorker()]);
    const id = await c.submit(url, { mode: "sleep", ms: 8000, case: "term-release" });
    const start = await waitUntil(() => c.executions(id, "start")[0], 15_000, "the job to start");
    const holder = workers.find((w) => w.pid === start.pid);
    const other = workers.find((w) => w.pid !== start.pid);
    if (!holder || !other) throw new Error("the job ran on an unknown worker");
    const termAt = Date.now();
    holder.kill("SIGTERM");

    const code = await holder.exited;
    const exitMs = Date.now() - termAt;
    const job = await c.waitForStatus(id, ["done", "error"], 30_000);
    const doneMs = Date.now() - termAt;

    expect(code).toBe(0);
    // It waited the grace period, then did not wait for the job: it exited before the 8 s handler would have
    // finished on its own (a bound that holds on a loaded machine, unlike grace plus a fixed margin).
    expect(exitMs).toBeGreaterThanOrEqual(graceMs - 50);
    expect(termAt + exitMs).toBeLessThan(start.t + 8000);
    expect(logLines(holder, "shutting down: job handed back to the queue")).toHaveLength(1);
    expect(job.status).toBe("done");
    expect(job.releases).toBe(1);
    expect(job.retryCount).toBe(0);
    expect(job.attempt).toBe(2);
    expect(c.executions(id, "aborted").map((r) => r.pid)).toEqual([holder.pid]);
    expect(c.executions(id, "finish").map((r) => r.pid)).toEqual([other.pid]);
    expect(await c.resultBlobs(id)).toEqual([`${id}/2/result.txt`]);
    console.info(
      `[fault] SIGTERM, grace 1 s < job 8 s: exit 0 after ${exitMs} ms; released job done ${doneMs} ms after SIGTERM`,
    );
  });
});
