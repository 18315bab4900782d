// The behaviour every JobStore driver must have. A driver's test file calls testJobStore with a factory.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConcurrencyError } from "../../../src/errors.js";
import { InvalidCursorError, type JobStore, KeyTakenError, type NewJob } from "../../../src/storage/types.js";

export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: randomUUID(),
    status: "queued",
    createdUtc: new Date(),
    retryCount: 0,
    attempt: 0,
    releases: 0,
    jobHash: "a".repeat(64),
    owner: "",
    payload: '{"x":1}',
    ...overrides,
  };
}

export function testJobStore(name: string, makeStore: () => Promise<JobStore>): void {
  describe(`JobStore conformance: ${name}`, () => {
    it("creates a job and reads it back with every field and an ETag", async () => {
      const store = await makeStore();
      const job = newJob({ owner: "key:abc", payload: '{"a":"ü"}' });
      const created = await store.create(job, []);
      expect(created.etag).toBeTruthy();
      const read = await store.get(job.id);
      expect(read).toMatchObject({
        id: job.id,
        status: "queued",
        owner: "key:abc",
        payload: '{"a":"ü"}',
        retryCount: 0,
      });
      expect(read?.createdUtc.toISOString()).toBe(job.createdUtc.toISOString());
      expect(read?.etag).toBe(created.etag);
    });

    it("keeps progress (whole and fractional values) and clears it with null", async () => {
      const store = await makeStore();
      const created = await store.create(newJob(), []);
      const at = new Date("2026-01-02T03:04:05.678Z");
      let row = await store.update(created, { progress: { fraction: 1, message: "all", updatedUtc: at } });
      expect((await store.get(created.id))?.progress).toEqual({
        fraction: 1,
        message: "all",
        updatedUtc: at,
      });
      row = await store.update(row, { progress: { fraction: 0.25, updatedUtc: at } });
      expect((await store.get(created.id))?.progress).toEqual({
        fraction: 0.25,
        message: undefined,
        updatedUtc: at,
      });
      await store.update(row, { progress: null });
      expect((await store.get(created.id))?.progress).toBeUndefined();
    });

    it("keeps the submitting request's traceparent through later updates", async () => {
      const store = await makeStore();
      const traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      const created = await store.create(newJob({ traceParent }), []);
      const claimed = await store.update(created, { status: "processing", attempt: 1 });
      expect(claimed.traceParent).toBe(traceParent);
      expect((await store.get(created.id))?.traceParent).toBe(traceParent);
    });

    it("keeps a job's callback URL through its updates", async () => {
      const store = await makeStore();
      const callbackUrl = "https://hooks.example.com/done?ref=a%2Fb";
      const created = await store.create(newJob({ callbackUrl }), []);
      const done = await store.update(created, { status: "done", blobName: "x", size: 1 });
      expect(done.callbackUrl).toBe(callbackUrl);
      expect((await store.get(created.id))?.callbackUrl).toBe(callbackUrl);
    });

    it("returns undefined for an unknown job", async () => {
      const store = await makeStore();
      expect(await store.get(randomUUID())).toBeUndefined();
    });

    it("updates conditionally and refuses a stale ETag with ConcurrencyError", async () => {
      const store = await makeStore();
      const created = await store.create(newJob(), []);
      const claimed = await store.update(created, {
        status: "processing",
        attempt: 1,
        startedUtc: new Date(),
      });
      expect(claimed.etag).not.toBe(created.etag);
      await expect(store.update(created, { status: "processing", attempt: 1 })).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      const read = await store.get(created.id);
      expect(read?.attempt).toBe(1);
    });

    it("clears a field patched with null", async () => {
      const store = await makeStore();
      const created = await store.create(newJob({ errorMsg: "boom" }), []);
      await store.update(created, { errorMsg: null, status: "done" });
      const read = await store.get(created.id);
      expect(read?.errorMsg).toBeUndefined();
      expect(read?.status).toBe("done");
    });

    it("claims dedupe keys atomically with the job and names the owner of a taken key", async () => {
      const store = await makeStore();
      const key = `k${randomUUID().replace(/-/g, "")}`;
      const first = await store.create(newJob(), [key]);
      expect(await store.lookupKey(key)).toMatchObject({ jobId: first.id });
      const second = newJob();
      const error = await store.create(second, [key]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyTakenError);
      expect((error as KeyTakenError).jobId).toBe(first.id);
      // Nothing of the losing job was written.
      expect(await store.get(second.id)).toBeUndefined();
    });

    it("returns the job when its create is repeated (a retry after a lost response), not an error", async () => {
      const store = await makeStore();
      const key = `k${randomUUID().replace(/-/g, "")}`;
      const job = newJob();
      const first = await store.create(job, [key]);
      const again = await store.create(job, [key]);
      expect(again).toMatchObject({ id: job.id, etag: first.etag });
    });

    it("takes over a key when given the ETag it was read with", async () => {
      const store = await makeStore();
      const key = `k${randomUUID().replace(/-/g, "")}`;
      await store.create(newJob(), [key]);
      const taken = await store.lookupKey(key);
      const next = await store.create(newJob(), [key], new Map([[key, taken?.etag ?? ""]]));
      expect((await store.lookupKey(key))?.jobId).toBe(next.id);
    });

    it("removes a job and its keys", async () => {
      const store = await makeStore();
      const key = `k${randomUUID().replace(/-/g, "")}`;
      const job = await store.create(newJob(), [key]);
      await store.remove(job, [key]);
      expect(await store.get(job.id)).toBeUndefined();
      expect(await store.lookupKey(key)).toBeUndefined();
      await store.remove(job, [key]); // removing again is not an error
    });

    it("lists jobs by status, oldest update first, without key rows", async () => {
      const store = await makeStore();
      const a = await store.create(newJob(), [`k${randomUUID().replace(/-/g, "")}`]);
      const b = await store.create(newJob(), []);
      await store.update(b, { status: "error", errorMsg: "x" });
      const queued = await store.listByStatus("queued", 10);
      expect(queued.map((j) => j.id)).toContain(a.id);
      expect(queued.map((j) => j.id)).not.toContain(b.id);
      expect((await store.listByStatus("error", 10)).map((j) => j.id)).toEqual([b.id]);
    });

    it("lists an owner's jobs newest first, page by page with a cursor, and no one else's", async () => {
      const store = await makeStore();
      const t0 = Date.parse("2026-11-30T10:00:00Z");
      const mine: string[] = [];
      for (let i = 0; i < 5; i++) {
        const job = await store.create(
          newJob({ owner: "key:alice", createdUtc: new Date(t0 + i * 1000) }),
          [],
        );
        mine.unshift(job.id);
      }
      await store.create(newJob({ owner: "key:bob", createdUtc: new Date(t0 + 500) }), []);
      const first = await store.list({ owner: "key:alice", limit: 2 });
      expect(first.jobs.map((j) => j.id)).toEqual(mine.slice(0, 2));
      expect(first.next).toBeTruthy();
      const second = await store.list({ owner: "key:alice", limit: 2, cursor: first.next });
      expect(second.jobs.map((j) => j.id)).toEqual(mine.slice(2, 4));
      const third = await store.list({ owner: "key:alice", limit: 2, cursor: second.next });
      expect(third.jobs.map((j) => j.id)).toEqual(mine.slice(4));
      expect(third.next).toBeUndefined();
      expect(third.jobs[0]).toMatchObject({ owner: "key:alice", status: "queued", retryCount: 0 });
      expect(third.jobs[0]?.createdUtc.toISOString()).toBe(new Date(t0).toISOString());
    });

    it("lists every owner's jobs without an owner, and those created before an instant", async () => {
      const store = await makeStore();
      const t0 = Date.parse("2026-11-30T10:00:00Z");
      const a = await store.create(newJob({ owner: "key:a", createdUtc: new Date(t0) }), []);
      const b = await store.create(newJob({ owner: "key:b", createdUtc: new Date(t0 + 60_000) }), []);
      expect((await store.list({ limit: 10 })).jobs.map((j) => j.id)).toEqual([b.id, a.id]);
      const old = await store.list({ limit: 10, createdBefore: new Date(t0 + 1) });
      expect(old.jobs.map((j) => j.id)).toEqual([a.id]);
    });

    it("moves a job between status listings in the same write that changes its status", async () => {
      const store = await makeStore();
      const owner = "key:carol";
      const job = await store.create(newJob({ owner }), []);
      const ids = async (status: "queued" | "processing" | "done") =>
        (await store.list({ owner, status, limit: 10 })).jobs.map((j) => j.id);
      expect(await ids("queued")).toEqual([job.id]);
      const claimed = await store.update(job, { status: "processing", startedUtc: new Date() });
      expect(await ids("queued")).toEqual([]);
      expect(await ids("processing")).toEqual([job.id]);
      await store.update(claimed, { status: "done", filename: "a.pptx", size: 3 });
      expect(await ids("processing")).toEqual([]);
      const [done] = (await store.list({ owner, status: "done", limit: 10 })).jobs;
      expect(done).toMatchObject({ id: job.id, status: "done", filename: "a.pptx", size: 3 });
      expect((await store.list({ limit: 10 })).jobs).toMatchObject([{ id: job.id, status: "done" }]);
      // A refused (stale) write moves nothing.
      await expect(store.update(claimed, { status: "error" })).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await store.list({ status: "error", limit: 10 })).jobs).toEqual([]);
    });

    it("refuses a cursor it did not hand out", async () => {
      const store = await makeStore();
      await expect(store.list({ limit: 5, cursor: "../../etc" })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it("removes a job's index rows, and leaves a key that a newer job took over", async () => {
      const store = await makeStore();
      const key = `k${randomUUID().replace(/-/g, "")}`;
      const failed = await store.update(await store.create(newJob({ owner: "key:d" }), [key]), {
        status: "error",
      });
      expect(failed.dedupeKeys).toEqual([key]);
      const taken = await store.lookupKey(key);
      const next = await store.create(newJob({ owner: "key:d" }), [key], new Map([[key, taken?.etag ?? ""]]));
      await store.remove(failed, failed.dedupeKeys ?? []);
      expect(await store.get(failed.id)).toBeUndefined();
      expect((await store.list({ owner: "key:d", limit: 10 })).jobs.map((j) => j.id)).toEqual([next.id]);
      expect((await store.list({ status: "error", limit: 10 })).jobs).toEqual([]);
      expect((await store.lookupKey(key))?.jobId).toBe(next.id);
    });
  });
}
