// Fault injection: cancel meets the worker at its awkward moments. During a lease renewal the signal still
// fires on time; racing a commit, exactly one of done and cancelled wins, and the DELETE answer says which.
import { describe, expect, it } from "vitest";
import type { JobContext } from "../src/app/handler.js";
import { ServiceApp } from "../src/app/service-app.js";
import { cancelJob } from "../src/jobs/cancel.js";
import type { JobPatch, Storage } from "../src/storage/types.js";
import { settle, testService } from "./support/api.js";
import { faultCluster } from "./support/fault-cluster.js";
import { workerHarness } from "./support/worker-harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const file = { data: "result", contentType: "text/plain", filename: "out.txt" };

/** Holds the worker's calls of one kind until the test lets them through. */
function hold() {
  let reached!: () => void;
  let release!: () => void;
  const at = new Promise<void>((r) => {
    reached = r;
  });
  const open = new Promise<void>((r) => {
    release = r;
  });
  return { at, reached: () => reached(), open, release: () => release() };
}

async function row(storage: Storage, id: string) {
  const job = await storage.jobs.get(id);
  if (!job) throw new Error(`no job ${id}`);
  return job;
}

describe("cancel under faults", () => {
  it("fires the signal on time while a lease renewal hangs, then deletes the message with the newest receipt", async () => {
    const renewal = hold();
    let abortedAt = 0;
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const h = await workerHarness(
      (_p, ctx) =>
        new Promise((_, reject) => {
          started();
          ctx.signal.addEventListener("abort", () => {
            abortedAt = Date.now();
            reject(ctx.signal.reason);
          });
        }),
      {
        env: { PRAISONAI_SVC_VISIBILITY_TIMEOUT: "3", PRAISONAI_SVC_CANCEL_CHECK: "1" },
        wrap: (storage) => {
          const extend = storage.queue.extend.bind(storage.queue);
          storage.queue.extend = async (msg, ms) => {
            if (ms > 0) {
              renewal.reached();
              await renewal.open; // the renewal's request is on the wire, its answer not back yet
            }
            return extend(msg, ms);
          };
          return storage;
        },
      },
    );
    const id = await h.addJob({ n: 1 });
    const delivery = h.execute(await h.receive());
    await running;
    await renewal.at;

    const cancelledAt = Date.now();
    expect((await cancelJob(h.direct.jobs, await row(h.direct, id)))?.cancelled).toBe(true);
    while (abortedAt === 0 && Date.now() - cancelledAt < 10_000) await sleep(20);
    expect(abortedAt).toBeGreaterThan(0);
    expect(abortedAt - cancelledAt).toBeLessThan(2500);
    renewal.release();

    expect(await delivery).toBe("cancelled");
    expect((await row(h.direct, id)).status).toBe("cancelled");
    expect(await h.direct.queue.count()).toBe(0);
    expect(h.logs.filter((l) => l.level === "error")).toEqual([]);
    console.info(`[fault] cancel during a hung renewal: signal after ${abortedAt - cancelledAt} ms`);
  });

  it("discards the result when the cancel lands just before the commit: cancelled wins", async () => {
    const commit = hold();
    const h = await workerHarness(async () => file, {
      wrap: (storage) => {
        const update = storage.jobs.update.bind(storage.jobs);
        storage.jobs.update = async (job, patch: JobPatch) => {
          if (patch.status === "done") {
            commit.reached();
            await commit.open;
          }
          return update(job, patch);
        };
        return storage;
      },
    });
    const id = await h.addJob({ n: 2 });
    const delivery = h.execute(await h.receive());
    await commit.at; // the result is stored, the commit is about to be written

    const answer = await cancelJob(h.direct.jobs, await row(h.direct, id));
    commit.release();

    expect(answer?.cancelled).toBe(true);
    expect(await delivery).toBe("cancelled");
    const job = await row(h.direct, id);
    expect(job.status).toBe("cancelled");
    expect(job.blobName).toBeUndefined();
    await expect(h.direct.blobs.get(`${id}/1/out.txt`)).rejects.toThrow(); // the late file is deleted
    expect(await h.direct.queue.count()).toBe(0);
  });

  it("leaves the job done when the commit lands just before the cancel: done wins, the cancel is told so", async () => {
    const commit = hold();
    let committed!: () => void;
    const done = new Promise<void>((r) => {
      committed = r;
    });
    const h = await workerHarness(async () => file, {
      wrap: (storage) => {
        const update = storage.jobs.update.bind(storage.jobs);
        storage.jobs.update = async (job, patch: JobPatch) => {
          if (patch.status !== "done") return update(job, patch);
          commit.reached();
          await commit.open;
          const next = await update(job, patch);
          committed();
          return next;
        };
        return storage;
      },
    });
    const id = await h.addJob({ n: 3 });
    const delivery = h.execute(await h.receive());
    await commit.at;
    // The API read the row while the job was processing; its cancel is written only after the commit landed.
    const stale = await row(h.direct, id);
    expect(stale.status).toBe("processing");
    commit.release();
    await done;

    const answer = await cancelJob(h.direct.jobs, stale);

    expect(answer).toMatchObject({ cancelled: false, job: { status: "done" } });
    expect(await delivery).toBe("done");
    expect((await row(h.direct, id)).status).toBe("done");
  });

  it("races DELETE against commits: every answer agrees with the job's final status", async () => {
    const app = new ServiceApp("Racy").job(async (p, _ctx: JobContext) => {
      await sleep((p as { ms: number }).ms);
      return file;
    });
    const { api, startWorker } = await testService(app, {
      PRAISONAI_SVC_CONCURRENCY: "8",
      PRAISONAI_SVC_CANCEL_CHECK: "0.2",
    });
    startWorker();
    const N = 16;
    const outcomes = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const { job_id } = (
          await api.inject({ method: "POST", url: "/jobs", payload: { ms: 300, i } })
        ).json();
        // Wait until it runs, then cancel somewhere around the end of its 300 ms.
        for (;;) {
          const s = (await api.inject({ method: "GET", url: `/jobs/${job_id}` })).json().status;
          if (s !== "queued") break;
          await sleep(20);
        }
        await sleep(150 + ((i * 37) % 300));
        const res = await api.inject({ method: "DELETE", url: `/jobs/${job_id}` });
        const final = await settle(api, job_id);
        return {
          answer: res.statusCode,
          said: res.statusCode === 200 ? res.json().status : res.json().job_status,
          final: final.status,
        };
      }),
    );
    for (const o of outcomes) {
      if (o.answer === 200) expect(o).toMatchObject({ said: "cancelled", final: "cancelled" });
      else expect(o).toMatchObject({ answer: 409, said: "done", final: "done" });
    }
    const cancelled = outcomes.filter((o) => o.final === "cancelled").length;
    console.info(
      `[fault] ${N} DELETEs racing commits: ${cancelled} cancelled, ${N - cancelled} done, all agreeing`,
    );
  });

  it("cancels a job running in a worker process through the API process", async () => {
    const c = await faultCluster({ PRAISONAI_SVC_CANCEL_CHECK: "1" });
    const url = await c.startApi();
    await c.startWorker();
    const id = await c.submit(url, { mode: "sleep", ms: 30_000, case: "cancel" });
    await c.waitForStatus(id, ["processing"], 30_000);
    while (c.executions(id, "start").length === 0) await sleep(50);

    const res = await fetch(`${url}/jobs/${id}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("cancelled");
    const at = Date.now();
    while (c.executions(id, "aborted").length === 0 && Date.now() - at < 10_000) await sleep(50);

    expect(c.executions(id, "aborted")).toHaveLength(1);
    expect(c.executions(id, "finish")).toHaveLength(0);
    await c.waitForQueueEmpty();
    expect(await c.resultBlobs(id)).toEqual([]);
    expect((await c.job(id)).status).toBe("cancelled");
  });
});
