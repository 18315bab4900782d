// Fault injection: workers that die (kill -9) or freeze (SIGSTOP) mid-job, as real processes on Azurite.
import { describe, expect, it } from "vitest";
import type { CliProcess } from "./support/cli.js";
import {
  type FaultCluster,
  faultCluster,
  logLines,
  waitForCommitLogs,
  waitUntil,
} from "./support/fault-cluster.js";

/** Waits for the job's first execution and tells which of two workers runs it. */
async function holderOf(c: FaultCluster, id: string, workers: CliProcess[]) {
  const start = await waitUntil(() => c.executions(id, "start")[0], 15_000, "the first execution");
  const first = workers.find((w) => w.pid === start.pid);
  const second = workers.find((w) => w.pid !== start.pid);
  if (!first || !second) throw new Error(`execution by unknown pid ${start.pid}`);
  return { first, second };
}

describe("a worker that dies or freezes mid-job", () => {
  it("completes the job on another worker after kill -9, with one committed result", async () => {
    const c = await faultCluster();
    const url = await c.startApi();
    const workers = await Promise.all([c.startWorker(), c.startWorker()]);
    const id = await c.submit(url, { mode: "sleep", ms: 3000, case: "kill-9" });
    const { first, second } = await holderOf(c, id, workers);
    const killedAt = Date.now();
    first.kill("SIGKILL");
    await first.exited;

    const job = await c.waitForStatus(id, ["done", "error"], 30_000);
    const recoveredMs = Date.now() - killedAt;

    expect(job.status).toBe("done");
    const starts = c.executions(id, "start");
    expect(starts.map((s) => [s.pid, s.attempt])).toEqual([
      [first.pid, 1],
      [second.pid, 2],
    ]);
    expect(c.executions(id, "finish").map((s) => s.pid)).toEqual([second.pid]);
    expect(await c.resultBlobs(id)).toEqual([`${id}/2/result.txt`]);
    expect(job.blobName).toBe(`${id}/2/result.txt`);
    expect(job.retryCount).toBe(1);
    expect(logLines(second, "job done").filter((l) => l.jobId === id)).toHaveLength(1);
    console.info(`[fault] kill -9: recovered and done ${recoveredMs} ms after the kill`);
  });

  it("completes all four jobs a worker at concurrency 4 was running when killed -9, each committed once", async () => {
    const c = await faultCluster();
    const url = await c.startApi();
    // The second worker is started first (start-up is slow on a loaded machine) and frozen until the kill.
    const other = await c.startWorker();
    process.kill(other.pid, "SIGSTOP");
    const holder = await c.startWorker({ PRAISONAI_SVC_CONCURRENCY: "4" });
    const ids = await Promise.all([0, 1, 2, 3].map((n) => c.submit(url, { mode: "sleep", ms: 3000, n })));
    await waitUntil(
      () => (ids.every((id) => c.executions(id, "start").length === 1) ? true : undefined),
      30_000,
      "all four jobs to start on the one worker",
    );
    expect(ids.map((id) => c.executions(id, "start")[0]?.pid)).toEqual(ids.map(() => holder.pid));
    const killedAt = Date.now();
    holder.kill("SIGKILL");
    await holder.exited;
    process.kill(other.pid, "SIGCONT");

    const jobs = await c.waitForTerminal(ids, 60_000);
    console.info(
      `[fault] kill -9 at concurrency 4: all four done ${Date.now() - killedAt} ms after the kill`,
    );
    expect(jobs.filter((j) => j.status !== "done")).toEqual([]);
    for (const id of ids) {
      expect(c.executions(id, "start").map((s) => [s.pid, s.attempt])).toEqual([
        [holder.pid, 1],
        [other.pid, 2],
      ]);
      expect(await c.resultBlobs(id)).toEqual([`${id}/2/result.txt`]);
    }
    const done = await waitForCommitLogs([other], ids);
    expect(done.sort()).toEqual([...ids].sort());
  });

  it("discards the late result of a worker paused past its lease (SIGSTOP) once another committed", async () => {
    const c = await faultCluster();
    const url = await c.startApi();
    const workers = await Promise.all([c.startWorker(), c.startWorker()]);
    const id = await c.submit(url, { mode: "sleep", ms: 3000, case: "sigstop" });
    const { first: paused, second: other } = await holderOf(c, id, workers);
    paused.kill("SIGSTOP");
    try {
      const done = await c.waitForStatus(id, ["done", "error"], 30_000);
      expect(done.status).toBe("done");
      expect(done.blobName).toBe(`${id}/2/result.txt`);
      expect(c.executions(id, "finish").map((r) => r.pid)).toEqual([other.pid]);
    } finally {
      paused.kill("SIGCONT");
    }
    // The resumed worker finds out it was fenced off: its lease renewal fails, or its commit gets 412.
    const [fenced] = await paused.waitForOutput(/late result discarded|lost the lease while running/, 20_000);
    const after = await c.job(id);
    expect(after.status).toBe("done");
    expect(after.blobName).toBe(`${id}/2/result.txt`);
    expect(await c.resultBlobs(id)).toEqual([`${id}/2/result.txt`]);
    expect(logLines(paused, "job done").filter((l) => l.jobId === id)).toHaveLength(0);
    console.info(
      `[fault] SIGSTOP: resumed worker logged "${fenced}"; executions ${c.executions(id, "start").length}, finishes ${c.executions(id, "finish").length}`,
    );
  });

  it("fails a job whose worker dies on every delivery instead of leaving it processing", async () => {
    const c = await faultCluster();
    const url = await c.startApi();
    const id = await c.submit(url, { mode: "sleep", ms: 60_000, case: "dies-every-time" });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const worker = await c.startWorker();
      await waitUntil(
        () => c.executions(id, "start").find((r) => r.attempt === attempt),
        20_000,
        `execution ${attempt}`,
      );
      worker.kill("SIGKILL");
      await worker.exited;
    }
    const killedAt = Date.now();
    await c.startWorker();
    const job = await c.waitForStatus(id, ["done", "error"], 30_000);

    expect(job.status).toBe("error");
    expect(job.retryCount).toBe(3);
    expect(job.errorMsg).toMatch(/failed on all 3 deliveries.*worker stopped without reporting/);
    expect(c.executions(id, "start")).toHaveLength(3);
    expect(await c.resultBlobs(id)).toEqual([]);
    await c.waitForQueueEmpty();
    expect(await c.poisonRecords()).toEqual([expect.objectContaining({ job_id: id, retry_count: 3 })]);
    console.info(`[fault] dies every delivery: error ${Date.now() - killedAt} ms after the third kill`);
  });
});
