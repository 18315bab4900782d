// The API's side of "no job lost": storage outages give 503 and leave nothing half-made; a lost enqueue
// is repaired on read; concurrent duplicates make one job; the poison queue can be reviewed and requeued.
import { describe, expect, it } from "vitest";
import { ServiceApp } from "../src/app/service-app.js";
import { NonRetriableError } from "../src/errors.js";
import { freePort } from "../src/local/azurite.js";
import { settle, testService } from "./support/api.js";
import { azuriteConnectionString } from "./support/storage.js";

const okApp = () => new ServiceApp("Ok").job(() => ["ok", "text/plain", "ok.txt"]);

/** The shared Azurite's connection string with one service's endpoint moved to a closed port. */
async function withDeadEndpoint(service: "Queue" | "Table"): Promise<string> {
  const dead = await freePort();
  return azuriteConnectionString().replace(
    new RegExp(`${service}Endpoint=http://127.0.0.1:\\d+`),
    `${service}Endpoint=http://127.0.0.1:${dead}`,
  );
}

describe("storage outages", () => {
  it("answers 503 with Retry-After when the queue is unreachable, and leaves no job behind", async () => {
    const svc = await testService(okApp(), {}, { AZURE_QUEUE_CONN_STRING: await withDeadEndpoint("Queue") });
    const res = await svc.api.inject({ method: "POST", url: "/jobs", payload: { a: 1 } });
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");
    expect(res.json().detail).toMatch(/not accepted/);
    expect(await svc.storage.jobs.listByStatus("queued", 10)).toEqual([]);
  }, 30_000);

  it("answers 503 problem+json when the table is unreachable", async () => {
    const svc = await testService(okApp(), {}, { AZURE_TABLE_CONN_STRING: await withDeadEndpoint("Table") });
    const res = await svc.api.inject({ method: "GET", url: "/jobs/3f1c0c0e-0000-4000-8000-000000000000" });
    expect(res.statusCode).toBe(503);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    expect(res.headers["retry-after"]).toBeDefined();
  }, 30_000);
});

describe("repair on read", () => {
  it("re-enqueues a job that stayed queued without a message, when it is read", async () => {
    const svc = await testService(okApp(), { PRAISONAI_SVC_REQUEUE_AFTER: "1" });
    const id = (await svc.api.inject({ method: "POST", url: "/jobs", payload: { lost: true } })).json()
      .job_id;
    // Lose the message, as if the enqueue had failed after the row was written.
    const [msg] = await svc.storage.queue.receive(1, 30_000);
    if (!msg) throw new Error("no message");
    await svc.storage.queue.delete(msg);
    expect(await svc.storage.queue.count()).toBe(0);

    expect((await svc.api.inject({ method: "GET", url: `/jobs/${id}` })).json().status).toBe("queued");
    expect(await svc.storage.queue.count()).toBe(0); // too early: not stale yet
    await new Promise((r) => setTimeout(r, 1100));
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
