// Retention: jobs older than PRAISONAI_SVC_RETENTION_DAYS go (row, index rows, keys, blobs), a bounded batch
// at a time along the history index; jobs still in flight and keys taken over by newer jobs stay.
import { describe, expect, it } from "vitest";
import { ServiceApp } from "../src/app/service-app.js";
import { sweepExpired } from "../src/jobs/retention.js";
import type { JobStatus, NewJob, Storage } from "../src/storage/types.js";
import { testService } from "./support/api.js";
import { newJob } from "./support/conformance/job-store.js";
import { isolatedStorage } from "./support/storage.js";

const DAY = 86_400_000;
const now = Date.now();

/** A job submitted `ageDays` ago, with a payload blob, a result blob and a dedupe key. */
async function stored(
  storage: Storage,
  ageDays: number,
  status: JobStatus = "done",
  extra: Partial<NewJob> = {},
) {
  const job = newJob({ status, createdUtc: new Date(now - ageDays * DAY), ...extra });
  const payloadBlob = `${job.id}/payload.json`;
  const blobName = `${job.id}/1/out.txt`;
  await storage.blobs.put(payloadBlob, Buffer.from("{}"), { contentType: "application/json" });
  await storage.blobs.put(blobName, Buffer.from("out"), { contentType: "text/plain" });
  const key = `h${job.id.replace(/-/g, "")}`;
  const created = await storage.jobs.create({ ...job, payloadBlob, blobName }, [key]);
  return { job: created, key, payloadBlob, blobName };
}

const gone = (storage: Storage, blob: string) =>
  storage.blobs.get(blob).then(
    () => false,
    () => true,
  );

describe("sweepExpired", () => {
  it("deletes an expired job's row, index rows, dedupe key, payload and result, and keeps recent jobs", async () => {
    const { storage } = await isolatedStorage();
    const old = await stored(storage, 40);
    const failed = await stored(storage, 31, "error");
    const recent = await stored(storage, 2);
    const result = await sweepExpired(storage, { retentionDays: 30, now: new Date(now) });
    expect(result).toEqual({ deleted: 2, kept: 0, full: false });
    for (const x of [old, failed]) {
      expect(await storage.jobs.get(x.job.id)).toBeUndefined();
      expect(await storage.jobs.lookupKey(x.key)).toBeUndefined();
      expect(await gone(storage, x.payloadBlob)).toBe(true);
      expect(await gone(storage, x.blobName)).toBe(true);
    }
    expect((await storage.jobs.list({ limit: 10 })).jobs.map((j) => j.id)).toEqual([recent.job.id]);
    expect((await storage.jobs.list({ status: "error", limit: 10 })).jobs).toEqual([]);
    expect(await gone(storage, recent.blobName)).toBe(false);
  });

  it("leaves an expired job that is still in flight, and a key a newer job took over", async () => {
    const { storage } = await isolatedStorage();
    const running = await stored(storage, 40, "processing");
    await storage.jobs.update(running.job, { attempt: 2 }); // touched now: a worker holds it
    const failed = await stored(storage, 40, "error");
    const taken = await storage.jobs.lookupKey(failed.key);
    const newer = await storage.jobs.create(
      newJob(),
      [failed.key],
      new Map([[failed.key, taken?.etag ?? ""]]),
    );
    const result = await sweepExpired(storage, { retentionDays: 30, now: new Date(now) });
    expect(result).toEqual({ deleted: 1, kept: 1, full: false });
    expect(await storage.jobs.get(running.job.id)).toMatchObject({ status: "processing" });
    expect(await storage.jobs.get(failed.job.id)).toBeUndefined();
    expect((await storage.jobs.lookupKey(failed.key))?.jobId).toBe(newer.id);
  });

  it("deletes at most one batch per sweep and says when more wait", async () => {
    const { storage } = await isolatedStorage();
    for (let i = 0; i < 5; i++) await stored(storage, 40 + i);
    expect(await sweepExpired(storage, { retentionDays: 30, now: new Date(now), limit: 3 })).toEqual({
      deleted: 3,
      kept: 0,
      full: true,
    });
    expect(await sweepExpired(storage, { retentionDays: 30, now: new Date(now), limit: 3 })).toEqual({
      deleted: 2,
      kept: 0,
      full: false,
    });
    expect((await storage.jobs.list({ limit: 10 })).jobs).toEqual([]);
  });
});

describe("the worker", () => {
  const app = new ServiceApp("Retention").job(() => ["ok", "text/plain", "ok.txt"]);

  it("sweeps expired jobs after it finishes a job", async () => {
    const svc = await testService(app, { PRAISONAI_SVC_RETENTION_DAYS: "30" });
    const old = await stored(svc.storage, 45);
    svc.startWorker();
    const res = await svc.api.inject({ method: "POST", url: "/jobs", payload: { n: 1 } });
    expect(res.statusCode).toBe(202);
    await expect.poll(() => svc.storage.jobs.get(old.job.id), { timeout: 20_000 }).toBeUndefined();
    expect(await svc.storage.jobs.get(res.json().job_id)).toBeDefined();
  });

  it("keeps everything with PRAISONAI_SVC_RETENTION_DAYS=0", async () => {
    const svc = await testService(app, { PRAISONAI_SVC_RETENTION_DAYS: "0" });
    const old = await stored(svc.storage, 4000);
    svc.startWorker();
    const id = (await svc.api.inject({ method: "POST", url: "/jobs", payload: { n: 2 } })).json().job_id;
    await expect.poll(async () => (await svc.storage.jobs.get(id))?.status, { timeout: 20_000 }).toBe("done");
    await new Promise((r) => setTimeout(r, 500)); // a sweep, had one started, would have had time
    expect(await svc.storage.jobs.get(old.job.id)).toBeDefined();
  });
});
