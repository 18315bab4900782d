// Fault injection: handlers that fail. Retries with backoff, the poison queue, NonRetriableError, the job timeout.
import { describe, expect, it } from "vitest";
import { faultCluster, logLines, waitUntil } from "./support/fault-cluster.js";

describe("a failing handler", () => {
  it("retries a job that always throws after 1 s, then 2 s, and moves it to the poison queue after 3 deliveries", async () => {
    // A backoff of 1 s doubling (the default is 5 s; the queue counts visibility in whole seconds).
    const c = await faultCluster({ PRAISONAI_SVC_RETRY_BACKOFF: "1" });
    const url = await c.startApi();
    const worker = await c.startWorker();
    const started = Date.now();
    const id = await c.submit(url, { mode: "throw", case: "poison" });

    const job = await c.waitForStatus(id, ["done", "error"], 40_000);

    expect(job.status).toBe("error");
    expect(job.errorMsg).toBe("boom on attempt 3");
    expect(job.retryCount).toBe(3);
    expect(c.executions(id, "start").map((r) => r.attempt)).toEqual([1, 2, 3]);
    await c.waitForQueueEmpty();
    const poison = await c.poisonRecords();
    expect(poison).toEqual([
      { job_id: id, error_msg: "boom on attempt 3", retry_count: 3, failed_utc: expect.any(String) },
    ]);
    const retries = logLines(worker, "job failed; will retry").filter((l) => l.jobId === id);
    expect(retries.map((l) => l.retryCount)).toEqual([1, 2]);
    expect(retries.map((l) => l.retryInMs)).toEqual([1000, 2000]);
    // The deliveries really waited: each start at least the backoff after the previous one (plus at most a
    // poll interval and a claim; the upper bound is generous for a loaded machine).
    const t = c.executions(id, "start").map((r) => r.t);
    const gaps = [(t[1] as number) - (t[0] as number), (t[2] as number) - (t[1] as number)];
    console.info(
      `[fault] always throws: poisoned after 3 deliveries in ${Date.now() - started} ms; gaps between deliveries ${gaps.join(", ")} ms (backoff 1000, 2000)`,
    );
    expect(gaps[0]).toBeGreaterThanOrEqual(1000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2000);
    expect(gaps[0]).toBeLessThan(1000 + 8000);
    expect(gaps[1]).toBeLessThan(2000 + 8000);
  });

  it("shows the last error and the retry count while a job waits for its next delivery", async () => {
    const c = await faultCluster({ PRAISONAI_SVC_RETRY_BACKOFF: "5" });
    const url = await c.startApi();
    await c.startWorker();
    const id = await c.submit(url, { mode: "throw", case: "between-retries" });
    const job = await waitUntil(
      async () => {
        const j = await c.job(id);
        return j.status === "queued" && j.retryCount === 1 ? j : undefined;
      },
      20_000,
      "the job to be queued again after its first failure",
    );
    const res = await fetch(`${url}/jobs/${id}`);
    expect(await res.json()).toMatchObject({
      status: "queued",
      retry_count: 1,
      error_msg: "boom on attempt 1",
    });
    expect(job.errorMsg).toBe("boom on attempt 1");
  });

  it("fails a job at once on NonRetriableError: one execution, retry count 1, nothing poisoned", async () => {
    const c = await faultCluster();
    const url = await c.startApi();
    await c.startWorker();
    const id = await c.submit(url, { mode: "non-retriable", case: "non-retriable" });

    const job = await c.waitForStatus(id, ["done", "error"], 20_000);

    expect(job.status).toBe("error");
    expect(job.errorMsg).toBe("refused on attempt 1");
    expect(job.retryCount).toBe(1);
    expect(c.executions(id, "start")).toHaveLength(1);
    await c.waitForQueueEmpty();
    expect(await c.poisonRecords()).toEqual([]);
  });

  it("fails a job that exceeds the job timeout, even when its handler ignores the signal", async () => {
    const c = await faultCluster({ PRAISONAI_SVC_JOB_TIMEOUT: "1.5" });
    const url = await c.startApi();
    await c.startWorker();
    const started = Date.now();
    const id = await c.submit(url, { mode: "ignore-signal", ms: 5000, case: "timeout" });

    const job = await c.waitForStatus(id, ["done", "error"], 20_000);
    const failedMs = Date.now() - started;

    expect(job.status).toBe("error");
    expect(job.errorMsg).toBe("Job exceeded 1.5 second timeout");
    expect(c.executions(id, "start")).toHaveLength(1);
    await c.waitForQueueEmpty();
    expect(await c.poisonRecords()).toEqual([expect.objectContaining({ job_id: id })]);
    // The ignored handler finishes later in the background; its result is never committed.
    await waitUntil(() => c.executions(id, "late-finish")[0], 15_000, "the ignored handler to finish");
    const after = await c.job(id);
    expect(after.status).toBe("error");
    expect(await c.resultBlobs(id)).toEqual([]);
    console.info(`[fault] timeout: 1.5 s timeout, job error after ${failedMs} ms (from submit)`);
  });
});
