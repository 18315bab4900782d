// Storage retries inside one delivery: the result upload and the table writes are retried after 1 s, 3 s
// and 9 s; when every try fails the delivery fails and the job is retried later, never lost.
import { describe, expect, it } from "vitest";
import { type JobStore, MAX_VISIBILITY_MS, type Storage } from "../src/storage/types.js";
import { workerHarness } from "./support/worker-harness.js";

const ok = async () => ({ data: "ok", contentType: "text/plain", filename: "ok.txt" });

/** Fails the first `failures` uploads of a result (a name ending in ok.txt) and records when each came. */
function failingUploads(failures: number) {
  const calls: number[] = [];
  const wrap = (storage: Storage): Storage => ({
    ...storage,
    blobs: {
      ...storage.blobs,
      async put(name, data, headers) {
        if (name.endsWith("/ok.txt")) {
          calls.push(Date.now());
          if (calls.length <= failures) throw new Error(`injected upload failure ${calls.length}`);
        }
        return storage.blobs.put(name, data, headers);
      },
    },
  });
  return { calls, wrap };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] as number));

describe.concurrent("retries inside a delivery", () => {
  it("retries a failing result upload after 1 s, 3 s and 9 s and then commits", {
    timeout: 40_000,
  }, async () => {
    const uploads = failingUploads(3);
    const h = await workerHarness(ok, {
      wrap: uploads.wrap,
      env: { PRAISONAI_SVC_VISIBILITY_TIMEOUT: "30" },
    });
    const id = await h.addJob({ n: 1 });

    const outcome = await h.execute(await h.receive());

    expect(outcome).toBe("done");
    expect(uploads.calls).toHaveLength(4);
    const measured = gaps(uploads.calls);
    measured.forEach((gap, i) => {
      const want = [1000, 3000, 9000][i] as number; // spec §11.2
      expect(gap).toBeGreaterThanOrEqual(want - 20);
      // Below the next step (3 s, 9 s, 27 s): the right delay of the sequence, with room for a loaded machine.
      expect(gap).toBeLessThan(want * 3);
    });
    expect(await h.direct.jobs.get(id)).toMatchObject({ status: "done", attempt: 1 });
    console.info(`[worker] upload retry gaps: ${measured.join(", ")} ms`);
  });

  it("fails the delivery after the fourth failed upload and queues the job for a retry", {
    timeout: 40_000,
  }, async () => {
    const uploads = failingUploads(4);
    const h = await workerHarness(ok, {
      wrap: uploads.wrap,
      env: { PRAISONAI_SVC_VISIBILITY_TIMEOUT: "30" },
    });
    const id = await h.addJob({ n: 2 });

    const outcome = await h.execute(await h.receive());

    expect(outcome).toBe("retrying");
    expect(uploads.calls).toHaveLength(4);
    expect(await h.direct.jobs.get(id)).toMatchObject({
      status: "queued",
      retryCount: 1,
      errorMsg: "injected upload failure 4",
    });
    expect(await h.direct.queue.count()).toBe(1);
  });

  it("deletes the file of an upload whose answer was lost once a later attempt commits", {
    timeout: 40_000,
  }, async () => {
    // The first upload lands but its caller hears an error, and so do the three retries: the delivery fails
    // with its file stored and named nowhere. The next attempt commits its own file and deletes that one.
    let uploads = 0;
    const wrap = (storage: Storage): Storage => ({
      ...storage,
      blobs: {
        ...storage.blobs,
        async put(name, data, headers) {
          if (name.endsWith("/ok.txt") && ++uploads <= 4) {
            if (uploads === 1) await storage.blobs.put(name, data, headers);
            throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
          }
          return storage.blobs.put(name, data, headers);
        },
      },
    });
    const h = await workerHarness(ok, {
      wrap,
      env: { PRAISONAI_SVC_VISIBILITY_TIMEOUT: "30", PRAISONAI_SVC_RETRY_BACKOFF: "0" },
    });
    const id = await h.addJob({ n: 4 });

    expect(await h.execute(await h.receive())).toBe("retrying");
    expect(await h.direct.blobs.list(`${id}/`)).toEqual([`${id}/1/ok.txt`]);
    expect(await h.execute(await h.receive())).toBe("done");

    expect(await h.direct.jobs.get(id)).toMatchObject({
      status: "done",
      attempt: 2,
      blobName: `${id}/2/ok.txt`,
    });
    expect(await h.direct.blobs.list(`${id}/`)).toEqual([`${id}/2/ok.txt`]);
    expect(h.logs.find((l) => l.msg === "deleted result files no commit names")?.deleted).toEqual([
      `${id}/1/ok.txt`,
    ]);
  });

  it("retries a table write that fails for want of storage", { timeout: 20_000 }, async () => {
    const calls: number[] = [];
    const wrap = (storage: Storage): Storage => {
      const jobs: JobStore = {
        ...storage.jobs,
        async update(job, patch) {
          calls.push(Date.now());
          if (calls.length <= 2) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
          return storage.jobs.update(job, patch);
        },
      };
      return { ...storage, jobs };
    };
    const h = await workerHarness(ok, { wrap });
    const id = await h.addJob({ n: 3 });

    expect(await h.execute(await h.receive())).toBe("done");

    const [first, second] = gaps(calls.slice(0, 3));
    expect(first).toBeGreaterThanOrEqual(980);
    expect(first).toBeLessThan(3000); // below the next step of 1 s, 3 s, 9 s
    expect(second).toBeGreaterThanOrEqual(2980);
    expect(second).toBeLessThan(9000);
    console.info(`[worker] table write retry gaps: ${first}, ${second} ms`);
    expect(await h.direct.jobs.get(id)).toMatchObject({ status: "done" });
  });
});

describe("retry backoff", () => {
  it("never waits past the queue's 7-day visibility limit, however many deliveries failed", async () => {
    const broken = async () => {
      throw new Error("still broken");
    };
    const h = await workerHarness(broken, {
      env: { PRAISONAI_SVC_MAX_DEQUEUE: "100", PRAISONAI_SVC_RETRY_BACKOFF: "3600" },
    });
    const id = await h.addJob({ n: 3 });
    const msg = await h.receive();
    // As the 60th delivery: the doubling delay (3600 s × 2^59) is far past what the queue accepts.
    expect(await h.execute({ ...msg, dequeueCount: 60 })).toBe("retrying");
    expect(h.logs.find((l) => l.msg === "job failed; will retry")?.retryInMs).toBe(MAX_VISIBILITY_MS);
    expect(await h.direct.jobs.get(id)).toMatchObject({ status: "queued", retryCount: 60 });
    expect(await h.direct.queue.receive(1, 1000)).toEqual([]); // hidden for the capped delay
    expect(await h.direct.queue.count()).toBe(1);
    await h.close();
  });
});
