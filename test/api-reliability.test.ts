// The API's side of "no job lost": storage outages give 503 and leave nothing half-made; a lost enqueue
// is repaired on read; concurrent duplicates make one job; the poison queue can be reviewed and requeued.
import { ContainerClient } from "@azure/storage-blob";
import { describe, expect, it } from "vitest";
import { buildApi } from "../src/api/server.js";
import { ServiceApp } from "../src/app/service-app.js";
import { loadConfig } from "../src/config/config.js";
import { NonRetriableError } from "../src/errors.js";
import { createAzureStorage } from "../src/storage/azure/index.js";
import { settle, type TestService, testService } from "./support/api.js";
import { deadEndpoint, withEndpoint } from "./support/dead-endpoint.js";

const okApp = () => new ServiceApp("Ok").job(() => ["ok", "text/plain", "ok.txt"]);

/** The shared Azurite's connection string with one service's endpoint moved to one that drops connections. */
async function withDeadEndpoint(service: "Queue" | "Table"): Promise<string> {
  return withEndpoint([service], (await deadEndpoint("reset")).url);
}

describe("storage outages", () => {
  it("answers 503 with Retry-After when the queue is unreachable, and leaves no job behind", async () => {
    const svc = await testService(okApp(), {}, { AZURE_QUEUE_CONN_STRING: await withDeadEndpoint("Queue") });
    const big = { a: 1, pad: "x".repeat(40_000) }; // over 30 KB: its payload goes to a blob first
    for (const payload of [{ a: 1 }, big]) {
      const res = await svc.api.inject({ method: "POST", url: "/jobs", payload });
      expect(res.statusCode).toBe(503);
      expect(res.headers["retry-after"]).toBe("5");
      expect(res.json().detail).toMatch(/not accepted/);
    }
    await expectNothingKept(svc);
    // Nor a dedupe key: once the queue is back, the same payloads make new jobs (202), not phantom ones.
    const config = loadConfig(svc.env);
    const whole = await buildApi({ app: okApp(), storage: createAzureStorage(config), config });
    try {
      for (const payload of [{ a: 1 }, big])
        expect((await whole.inject({ method: "POST", url: "/jobs", payload })).statusCode).toBe(202);
    } finally {
      await whole.close();
    }
  }, 60_000);

  it("answers 503 problem+json when the table is unreachable, and keeps nothing of a POST", async () => {
    const svc = await testService(okApp(), {}, { AZURE_TABLE_CONN_STRING: await withDeadEndpoint("Table") });
    const res = await svc.api.inject({ method: "GET", url: "/jobs/3f1c0c0e-0000-4000-8000-000000000000" });
    expect(res.statusCode).toBe(503);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    expect(res.headers["retry-after"]).toBe("5");
    for (const payload of [{ a: 1 }, { a: 2, pad: "x".repeat(40_000) }]) {
      const post = await svc.api.inject({ method: "POST", url: "/jobs", payload });
      expect(post.statusCode).toBe(503);
      expect(post.headers["content-type"]).toMatch(/problem\+json/);
      expect(post.headers["retry-after"]).toBe("5");
    }
    await expectNothingKept(svc);
  }, 60_000);
});

/** No job row, message or blob (a large payload's included) on the service's real resources. */
async function expectNothingKept(svc: TestService): Promise<void> {
  const real = createAzureStorage(loadConfig(svc.env));
  const rows = await Promise.all(
    (["queued", "processing", "done", "error"] as const).map((s) => real.jobs.listByStatus(s, 10)),
  );
  expect(rows.flat()).toEqual([]);
  expect(await real.queue.count()).toBe(0);
  const container = new ContainerClient(
    svc.env.AZURE_STORAGE_CONNECTION_STRING as string,
    svc.config.container,
  );
  const blobs: string[] = [];
  for await (const b of container.listBlobsFlat()) blobs.push(b.name);
  expect(blobs).toEqual([]);
}

describe("repair on read", () => {
  it("re-enqueues a job that stayed queued without a message, when it is read", async () => {
    const svc = await testService(okApp(), { PRAISONAI_SVC_REQUEUE_AFTER: "3" });
    const id = (await svc.api.inject({ method: "POST", url: "/jobs", payload: { lost: true } })).json()
      .job_id;
    // Lose the message, as if the enqueue had failed after the row was written.
    const [msg] = await svc.storage.queue.receive(1, 30_000);
    if (!msg) throw new Error("no message");
    await svc.storage.queue.delete(msg);
    expect(await svc.storage.queue.count()).toBe(0);

    const early = (await svc.api.inject({ method: "GET", url: `/jobs/${id}` })).json();
    expect(early.status).toBe("queued");
    // Too early: untouched for less than the 3 s (checked, so a slow machine cannot make this pass vacuously).
    const staleAt = Date.parse(early.updated_utc) + 3000;
    expect(Date.now()).toBeLessThan(staleAt);
    expect(await svc.storage.queue.count()).toBe(0);
    await new Promise((r) => setTimeout(r, staleAt - Date.now() + 100));
    await Promise.all([1, 2, 3].map(() => svc.api.inject({ method: "GET", url: `/jobs/${id}` })));
    expect(await svc.storage.queue.count()).toBe(1); // three readers, one repair
    svc.startWorker();
    expect((await settle(svc.api, id)).status).toBe("done");
  });
});

describe("idempotency under concurrency", () => {
  it("turns 50 concurrent identical POSTs into one job", async () => {
    const svc = await testService(okApp());
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        svc.api.inject({ method: "POST", url: "/jobs", payload: { same: "deck" } }),
      ),
    );
    const ids = new Set(responses.map((r) => r.json().job_id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(await svc.storage.queue.count()).toBe(1);
  });

  it("accepts the same payload again once its earlier job has failed", async () => {
    const svc = await testService(
      new ServiceApp("Fails").job(() => {
        throw new NonRetriableError("bad deck");
      }),
    );
    svc.startWorker();
    const first = (await svc.api.inject({ method: "POST", url: "/jobs", payload: { d: 1 } })).json().job_id;
    expect(await settle(svc.api, first)).toMatchObject({
      status: "error",
      error_msg: "bad deck",
      retry_count: 1,
    });
    const again = await svc.api.inject({ method: "POST", url: "/jobs", payload: { d: 1 } });
    expect(again.statusCode).toBe(202);
    expect(again.json().job_id).not.toBe(first);
  });
});

describe("poison queue admin", () => {
  it("lists a job that failed every delivery and requeues it", async () => {
    let healthy = false;
    const app = new ServiceApp("Flaky").job(() => {
      if (!healthy) throw new Error("upstream down");
      return ["fine", "text/plain", "f.txt"];
    });
    const svc = await testService(app, {
      PRAISONAI_SVC_MAX_DEQUEUE: "2",
      PRAISONAI_SVC_RETRY_BACKOFF: "0",
      PRAISONAI_SVC_VISIBILITY_TIMEOUT: "2",
    });
    svc.startWorker();
    const id = (await svc.api.inject({ method: "POST", url: "/jobs", payload: { p: 1 } })).json().job_id;
    const failed = await settle(svc.api, id);
    expect(failed).toMatchObject({ status: "error", retry_count: 2 });
    expect(failed.error_msg).toContain("upstream down");

    // The worker writes the poison record just after the row says error: give it a moment.
    const poisonList = async () =>
      (await svc.api.inject({ method: "GET", url: "/admin/poison-queue" })).json();
    await expect.poll(async () => (await poisonList()).count, { timeout: 5000 }).toBe(1);
    const list = await poisonList();
    expect(list.jobs[0]).toMatchObject({ job_id: id, retry_count: 2, job: { status: "error" } });

    healthy = true;
    const requeued = await svc.api.inject({ method: "POST", url: `/admin/poison-queue/${id}/requeue` });
    expect(requeued.statusCode).toBe(202);
    expect(requeued.json()).toMatchObject({ status: "queued", retry_count: 0 });
    expect((await settle(svc.api, id)).status).toBe("done");
    expect((await svc.api.inject({ method: "GET", url: "/admin/poison-queue" })).json().count).toBe(0);

    const again = await svc.api.inject({ method: "POST", url: `/admin/poison-queue/${id}/requeue` });
    expect(again.statusCode).toBe(409);
  });
});
