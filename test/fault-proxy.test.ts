// Fault injection: a proxy between the service and Azurite fails ~10% of storage calls (503s, resets, lost
// responses, delays). Every POST is accepted (docs/reliability.md, scenario 7: 30 of 30), every accepted job
// finishes, each run and committed once, and no refused POST leaves a row. One worker runs one job at a time,
// the other four (PRAISONAI_SVC_CONCURRENCY), as the docs recommend raising it.
import { afterEach, describe, expect, inject, it } from "vitest";
import { faultCluster, peakConcurrency, waitForCommitLogs } from "./support/fault-cluster.js";
import { type FaultProxy, startFaultProxy } from "./support/fault-proxy.js";
import { azuriteConnectionString } from "./support/storage.js";

const JOBS = 30;
let proxy: FaultProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe("storage that fails one call in ten", () => {
  it("accepts every POST, runs and commits each job once, and leaves no other row", {
    timeout: 180_000,
  }, async () => {
    proxy = await startFaultProxy({ upstream: inject("azurite").ports, seed: 42 });
    const c = await faultCluster(
      { AZURE_STORAGE_CONNECTION_STRING: proxy.connectionString, PRAISONAI_SVC_VISIBILITY_TIMEOUT: "5" },
      azuriteConnectionString(),
    );
    const url = await c.startApi();
    const workers = await Promise.all([c.startWorker(), c.startWorker({ PRAISONAI_SVC_CONCURRENCY: "4" })]);
    proxy.setFaultRate(0.1);
    const started = Date.now();

    const responses = await Promise.all(
      Array.from({ length: JOBS }, (_, i) => c.post(url, { mode: "sleep", ms: 300, n: i })),
    );
    const accepted = responses.filter((r) => r.status === 202).map((r) => r.id as string);
    const refused = responses.filter((r) => r.status !== 202).map((r) => `${r.status} ${r.error}`);
    expect(refused).toEqual([]);
    expect(new Set(accepted).size).toBe(JOBS);
    const jobs = await c.waitForTerminal(accepted, 150_000);
    const finishedMs = Date.now() - started;
    const stats = { ...proxy.stats };
    console.info(
      `[fault] proxy: ${accepted.length}/${JOBS} accepted, all done in ${finishedMs} ms; proxy ${JSON.stringify(stats)}`,
    );

    // The faults happened: each kind at least once while the jobs were submitted and run.
    for (const kind of ["busy", "reset", "lost-response", "delay"] as const)
      expect(stats[kind], kind).toBeGreaterThan(0);
    expect(jobs.filter((j) => j.status !== "done")).toEqual([]);
    const blobs = await Promise.all(accepted.map((id) => c.resultBlobs(id)));
    expect(blobs.filter((b) => b.length !== 1)).toEqual([]);
    const done = await waitForCommitLogs(workers, accepted);
    expect(done.sort()).toEqual([...accepted].sort());
    const records = c.allExecutions();
    const notOnce = accepted.filter(
      (id) => records.filter((r) => r.job === id && r.event === "start").length !== 1,
    );
    expect(notOnce).toEqual([]);
    // Each worker ran as many jobs at once as its setting allows, and the one set to 1 never more.
    const [one, four] = workers.map((w) => peakConcurrency(records, w.pid));
    console.info(`[fault] proxy: peak jobs at once: ${one} (concurrency 1), ${four} (concurrency 4)`);
    expect(one).toBe(1);
    expect(four).toBeGreaterThan(1);
    expect(four).toBeLessThanOrEqual(4);
    // No row but the accepted jobs': a refused or retried create leaves nothing behind.
    expect(await c.jobIds()).toEqual([...accepted].sort());
  });
});
