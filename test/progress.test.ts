// ctx.progress: throttled to one row write a second, the last report always lands, nothing when unused.
import { describe, expect, it } from "vitest";
import type { JobContext } from "../src/app/handler.js";
import { ServiceApp } from "../src/app/service-app.js";
import type { JobPatch, Storage } from "../src/storage/types.js";
import { ProgressThrottle } from "../src/worker/progress.js";
import { settle, testService } from "./support/api.js";

/** Counts the job-row writes the worker makes, by the fields they change. */
function countWrites(storage: Storage): { patches: JobPatch[] } {
  const seen = { patches: [] as JobPatch[] };
  const update = storage.jobs.update.bind(storage.jobs);
  storage.jobs.update = (job, patch) => {
    seen.patches.push(patch);
    return update(job, patch);
  };
  return seen;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const file = { data: "ok", contentType: "text/plain", filename: "ok.txt" };

describe("ctx.progress", () => {
  it("shows the latest report in GET /jobs/{id} while the job runs, writing at most once a second", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const app = new ServiceApp("Progress").job(async (_p, ctx: JobContext) => {
      // 60 reports over ~3 s: a chatty handler.
      for (let i = 1; i <= 60; i++) {
        ctx.progress(i / 100, `step ${i}`);
        await sleep(50);
      }
      await gate;
      return file;
    });
    const { api, storage, startWorker } = await testService(app);
    const writes = countWrites(storage);
    startWorker();
    const { job_id } = (await api.inject({ method: "POST", url: "/jobs", payload: { n: 1 } })).json();

    const started = Date.now();
    let seen: Record<string, unknown> | undefined;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
      const job = (await api.inject({ method: "GET", url: `/jobs/${job_id}` })).json();
      if (job.progress?.message === "step 60") {
        seen = job;
        break;
      }
    }
    const elapsedS = (Date.now() - started) / 1000;
    expect(seen).toMatchObject({
      status: "processing",
      progress: { fraction: 0.6, message: "step 60", updated_utc: expect.any(String) },
    });
    const progressWrites = writes.patches.filter((p) => "progress" in p && p.status === undefined);
    expect(progressWrites.length).toBeGreaterThanOrEqual(2);
    // One write a second at most (plus the first at once), however often the handler reports.
    expect(progressWrites.length).toBeLessThanOrEqual(Math.ceil(elapsedS) + 1);
    release();
    expect(await settle(api, job_id)).toMatchObject({ status: "done", progress: { fraction: 0.6 } });
  });

  it("lands the last report with the commit, even when it came within the same second as the one before", async () => {
    const app = new ServiceApp("Progress").job(async (_p, ctx: JobContext) => {
      ctx.progress(0.1, "started");
      await sleep(20);
      ctx.progress(0.99, "almost");
      return file;
    });
    const { api, startWorker } = await testService(app);
    startWorker();
    const { job_id } = (await api.inject({ method: "POST", url: "/jobs", payload: { n: 2 } })).json();
    expect(await settle(api, job_id)).toMatchObject({
      status: "done",
      progress: { fraction: 0.99, message: "almost" },
    });
  });

  it("costs nothing for a handler that never reports: the claim and the commit are the only writes", async () => {
    const app = new ServiceApp("Quiet").job(async () => {
      await sleep(1500);
      return file;
    });
    const { api, storage, startWorker } = await testService(app);
    const writes = countWrites(storage);
    startWorker();
    const { job_id } = (await api.inject({ method: "POST", url: "/jobs", payload: { n: 3 } })).json();
    const job = await settle(api, job_id);
    expect(job.status).toBe("done");
    expect(job).not.toHaveProperty("progress");
    expect(writes.patches.map((p) => p.status)).toEqual(["processing", "done"]);
  });

  it("rejects a fraction outside 0..1 with a TypeError that says what is allowed", () => {
    const written: unknown[] = [];
    const throttle = new ProgressThrottle((p) => written.push(p));
    expect(() => throttle.report(1.5)).toThrow(/from 0 to 1, got 1.5/);
    expect(() => throttle.report(Number.NaN)).toThrow(TypeError);
    expect(() => throttle.report(0.5, 7 as unknown as string)).toThrow(/message must be a string/);
    expect(written).toEqual([]);
  });

  it("writes the first report at once and coalesces the rest of each interval into its last value", async () => {
    const written: number[] = [];
    const throttle = new ProgressThrottle((p) => written.push(p.fraction), 300);
    throttle.report(0.1);
    await sleep(20);
    expect(written).toEqual([0.1]);
    throttle.report(0.2);
    throttle.report(0.3);
    await sleep(100);
    expect(written).toEqual([0.1]);
    await sleep(400);
    expect(written).toEqual([0.1, 0.3]);
    throttle.report(0.4);
    expect(throttle.stop()).toMatchObject({ fraction: 0.4 }); // not yet written: the final write carries it
    await sleep(400);
    expect(written).toEqual([0.1, 0.3]);
  });
});
