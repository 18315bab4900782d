// DELETE /jobs/{id}: a queued job never runs, a running job's signal fires, a finished job is 409, and only
// its owner (or the admin key) may cancel.
import { describe, expect, it } from "vitest";
import type { JobContext } from "../src/app/handler.js";
import { ServiceApp } from "../src/app/service-app.js";
import { settle, testService } from "./support/api.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const file = { data: "ok", contentType: "text/plain", filename: "ok.txt" };
const KEY_A = `alice:${"a".repeat(32)}`;
const KEY_B = `bob:${"b".repeat(32)}`;
const ADMIN = `admin:${"c".repeat(32)}`;
const keyOf = (entry: string) => entry.slice(entry.indexOf(":") + 1);

/** A handler that waits for its signal and records when it fired. */
function waitingApp() {
  const state = { runs: 0, startedAt: 0, abortedAt: 0, reason: undefined as unknown };
  const app = new ServiceApp("Waiting").job(async (_p, ctx: JobContext) => {
    state.runs++;
    state.startedAt = Date.now();
    await new Promise<void>((resolve) => {
      ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    state.abortedAt = Date.now();
    state.reason = ctx.signal.reason;
    throw ctx.signal.reason;
  });
  return { app, state };
}

describe("DELETE /jobs/{id}", () => {
  it("cancels a queued job, which then never runs and leaves no message behind", async () => {
    const { app, state } = waitingApp();
    const { api, storage, startWorker } = await testService(app);
    const { job_id } = (await api.inject({ method: "POST", url: "/jobs", payload: { n: 1 } })).json();

    const res = await api.inject({ method: "DELETE", url: `/jobs/${job_id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ job_id, status: "cancelled" });

    startWorker();
    for (const deadline = Date.now() + 15_000; (await storage.queue.count()) > 0; await sleep(100)) {
      if (Date.now() > deadline) throw new Error("the cancelled job's message was never dropped");
    }
    expect(state.runs).toBe(0);
    expect((await api.inject({ method: "GET", url: `/jobs/${job_id}` })).json().status).toBe("cancelled");
  });

  it("fires a running job's signal within PRAISONAI_SVC_CANCEL_CHECK and ends it cancelled", async () => {
    const { app, state } = waitingApp();
    const { api, storage, startWorker } = await testService(app, { PRAISONAI_SVC_CANCEL_CHECK: "1" });
    startWorker();
    const { job_id } = (await api.inject({ method: "POST", url: "/jobs", payload: { n: 2 } })).json();
    for (const deadline = Date.now() + 15_000; state.runs === 0; await sleep(50)) {
      if (Date.now() > deadline) throw new Error("the job never started");
    }

    const cancelledAt = Date.now();
    const res = await api.inject({ method: "DELETE", url: `/jobs/${job_id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("cancelled");
    for (const deadline = Date.now() + 10_000; state.abortedAt === 0; await sleep(20)) {
      if (Date.now() > deadline) throw new Error("the handler's signal never fired");
    }
    // One check interval (1 s), plus a read of the row on a loaded machine.
    expect(state.abortedAt - cancelledAt).toBeLessThan(2500);
    expect((state.reason as { code?: string }).code).toBe("JOB_CANCELLED");
    const job = await settle(api, job_id);
    expect(job.status).toBe("cancelled");
    expect(job).not.toHaveProperty("download_url");
    for (const deadline = Date.now() + 10_000; (await storage.queue.count()) > 0; await sleep(100)) {
      if (Date.now() > deadline) throw new Error("the cancelled job's message was never deleted");
    }
    console.info(`[cancel] signal fired ${state.abortedAt - cancelledAt} ms after DELETE (check every 1 s)`);
  });

  it("answers 409 with the job's status for a finished job, and the same 200 again for a cancelled one", async () => {
    const app = new ServiceApp("Quick").job(() => file);
    const { api, startWorker } = await testService(app);
    startWorker();
    const done = (await api.inject({ method: "POST", url: "/jobs", payload: { n: 3 } })).json();
    await settle(api, done.job_id);
    const res = await api.inject({ method: "DELETE", url: `/jobs/${done.job_id}` });
    expect(res.statusCode).toBe(409);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      job_status: "done",
      detail: expect.stringMatching(/finished \(done\)/),
    });

    const { api: idle } = await testService(app);
    const queued = (await idle.inject({ method: "POST", url: "/jobs", payload: { n: 4 } })).json();
    expect((await idle.inject({ method: "DELETE", url: `/jobs/${queued.job_id}` })).statusCode).toBe(200);
    const again = await idle.inject({ method: "DELETE", url: `/jobs/${queued.job_id}` });
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe("cancelled");
  });

  it("lets a cancelled payload be submitted again as a new job", async () => {
    const { api } = await testService(new ServiceApp("Quick").job(() => file));
    const first = (await api.inject({ method: "POST", url: "/jobs", payload: { n: 5 } })).json();
    await api.inject({ method: "DELETE", url: `/jobs/${first.job_id}` });
    const second = await api.inject({ method: "POST", url: "/jobs", payload: { n: 5 } });
    expect(second.statusCode).toBe(202);
    expect(second.json().job_id).not.toBe(first.job_id);
  });

  it("is refused (404) to another caller, allowed to the owner and to the admin key", async () => {
    const { api } = await testService(
      new ServiceApp("Quick").job(() => file),
      {
        PRAISONAI_SVC_API_KEYS: [KEY_A, KEY_B, ADMIN].join(","),
      },
    );
    const as = (entry: string) => ({ "x-api-key": keyOf(entry) });
    const post = (n: number) =>
      api.inject({ method: "POST", url: "/jobs", headers: as(KEY_A), payload: { n } }).then((r) => r.json());
    const a = await post(6);
    expect(
      (await api.inject({ method: "DELETE", url: `/jobs/${a.job_id}`, headers: as(KEY_B) })).statusCode,
    ).toBe(404);
    expect((await api.inject({ method: "DELETE", url: `/jobs/${a.job_id}` })).statusCode).toBe(401);
    expect(
      (await api.inject({ method: "DELETE", url: `/jobs/${a.job_id}`, headers: as(KEY_A) })).statusCode,
    ).toBe(200);
    const b = await post(7);
    expect(
      (await api.inject({ method: "DELETE", url: `/jobs/${b.job_id}`, headers: as(ADMIN) })).statusCode,
    ).toBe(200);
    expect(
      (await api.inject({ method: "DELETE", url: "/jobs/not-a-job", headers: as(KEY_A) })).statusCode,
    ).toBe(404);
  });

  it("is described in the OpenAPI document, with the cancelled status and the progress field", async () => {
    const { api } = await testService(new ServiceApp("Quick").job(() => file));
    const doc = (await api.inject({ method: "GET", url: "/openapi.json" })).json();
    const del = doc.paths["/jobs/{id}"].delete;
    expect(del.summary).toBe("Cancel a job");
    expect(Object.keys(del.responses)).toEqual(expect.arrayContaining(["200", "404", "409"]));
    const job = doc.paths["/jobs/{id}"].get.responses["200"].content["application/json"].schema;
    expect(job.properties.status.enum).toContain("cancelled");
    expect(job.properties.progress.properties).toHaveProperty("fraction");
  });
});
