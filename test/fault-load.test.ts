// Fault injection under load: three worker processes race for 300 jobs; each result is committed exactly once.
// One worker runs four jobs at once (PRAISONAI_SVC_CONCURRENCY=4), as the docs recommend raising it.
import { describe, expect, it } from "vitest";
import {
  faultCluster,
  logLines,
  peakConcurrency,
  waitForCommitLogs,
  waitUntil,
} from "./support/fault-cluster.js";

const JOBS = 300;
const WORKERS = 3;
/** Jobs at once per worker process. */
const CONCURRENCY = ["1", "1", "4"];

/** Runs `fn` over 0..n-1 with at most `limit` calls in flight. */
async function pool<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

describe(`${WORKERS} worker processes and ${JOBS} jobs`, () => {
  it("commits each job's result exactly once", { timeout: 120_000 }, async () => {
    const c = await faultCluster({
      PRAISONAI_SVC_VISIBILITY_TIMEOUT: "10",
      PRAISONAI_SVC_RATE_LIMIT: "100000",
    });
    const url = await c.startApi();
    const workers = await Promise.all(
      CONCURRENCY.map((n) => c.startWorker({ PRAISONAI_SVC_CONCURRENCY: n })),
    );
    const started = Date.now();

    const ids = await pool(JOBS, 8, (i) => c.submit(url, { mode: "sleep", ms: 20, n: i }));
    const submittedMs = Date.now() - started;
    await waitUntil(
      () => {
        const finished = new Set(
          c
            .allExecutions()
            .filter((r) => r.event === "finish")
            .map((r) => r.job),
        );
        return finished.size >= JOBS ? true : undefined;
      },
      90_000,
      `${JOBS} jobs to finish`,
    );
    // The handler has finished every job; wait for the last commits too.
    const jobs = await c.waitForTerminal(ids, 30_000);
    const totalMs = Date.now() - started;

    expect(new Set(ids).size).toBe(JOBS);
    expect(jobs.filter((j) => j.status === "done")).toHaveLength(JOBS);
    const records = c.allExecutions();
    /** Jobs whose `event` was recorded other than once (empty when every job ran exactly once). */
    const notOnce = (event: string) =>
      ids.filter((id) => records.filter((r) => r.job === id && r.event === event).length !== 1);
    expect(notOnce("start")).toEqual([]);
    expect(notOnce("finish")).toEqual([]);
    // Commits, three ways: the result blobs, the rows naming them, and the workers' "job done" lines.
    const blobs = await Promise.all(ids.map((id) => c.resultBlobs(id)));
    expect(blobs.filter((b) => b.length !== 1)).toEqual([]);
    expect(jobs.filter((j) => j.blobName !== `${j.id}/1/result.txt`)).toEqual([]);
    const done = await waitForCommitLogs(workers, ids);
    expect(done).toHaveLength(JOBS);
    expect(new Set(done).size).toBe(JOBS);
    const perWorker = workers.map((w) => logLines(w, "job done").length);
    const peaks = workers.map((w) => peakConcurrency(records, w.pid));
    console.info(
      `[fault] load: ${JOBS} jobs, ${WORKERS} workers (concurrency ${CONCURRENCY.join("/")}): submitted in ${submittedMs} ms, ` +
        `all done in ${totalMs} ms; per worker ${perWorker.join("/")}; peak jobs at once ${peaks.join("/")}`,
    );
    expect(perWorker.every((n) => n > 0)).toBe(true);
    // Each worker kept to its setting, and the one set to 4 did run several jobs at once.
    expect(peaks.slice(0, 2)).toEqual([1, 1]);
    expect(peaks[2]).toBeGreaterThan(1);
    expect(peaks[2]).toBeLessThanOrEqual(4);
  });
});
