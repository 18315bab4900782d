// Fault injection: the heartbeat. A healthy job that outlives the visibility timeout many times runs once.
import { describe, expect, it } from "vitest";
import { faultCluster, logLines } from "./support/fault-cluster.js";

describe("the lease on a running job", () => {
  it("runs a job 3× longer than the visibility timeout once, with two workers polling", async () => {
    const c = await faultCluster({ PRAISONAI_SVC_VISIBILITY_TIMEOUT: "3" });
    const url = await c.startApi();
    const workers = await Promise.all([c.startWorker(), c.startWorker()]);
    const started = Date.now();
    const id = await c.submit(url, { mode: "sleep", ms: 9500, case: "long" });

    const job = await c.waitForStatus(id, ["done", "error"], 40_000);

    expect(job.status).toBe("done");
    expect(c.executions(id, "start")).toHaveLength(1);
    expect(c.executions(id, "finish")).toHaveLength(1);
    expect(job.attempt).toBe(1);
    expect(job.retryCount).toBe(0);
    expect(await c.resultBlobs(id)).toEqual([`${id}/1/result.txt`]);
    const output = workers.map((w) => w.output()).join("");
    expect(output).not.toMatch(/lost the lease|duplicate message/);
    // A transient renewal failure is tolerated by design (two in a row): counted, not failed on.
    const renewalFailures = workers.flatMap((w) => logLines(w, "lease renewal failed; will retry")).length;
    const done = workers.flatMap((w) => logLines(w, "job done")).filter((l) => l.jobId === id);
    expect(done).toHaveLength(1);
    console.info(
      `[fault] long job: 9.5 s handler, 3 s visibility, 1 execution, done in ${Date.now() - started} ms; ${renewalFailures} transient renewal failures`,
    );
  });
});
