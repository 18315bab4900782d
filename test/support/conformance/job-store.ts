// The behaviour every JobStore driver must have. A driver's test file calls testJobStore with a factory.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConcurrencyError } from "../../../src/errors.js";
import { type JobStore, KeyTakenError, type NewJob } from "../../../src/storage/types.js";

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

    it("keeps the submitting request's traceparent through later updates", async () => {
      const store = await makeStore();
      const traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      const created = await store.create(newJob({ traceParent }), []);
      const claimed = await store.update(created, { status: "processing", attempt: 1 });
      expect(claimed.traceParent).toBe(traceParent);
      expect((await store.get(created.id))?.traceParent).toBe(traceParent);
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
      await store.remove(job.id, [key]);
      expect(await store.get(job.id)).toBeUndefined();
      expect(await store.lookupKey(key)).toBeUndefined();
      await store.remove(job.id, [key]); // removing again is not an error
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
  });
}
