// A storage write that lands but whose response is lost (then retried into a 412 on its own ETag change)
// must count as done: the claim stays ours, the commit is not discarded, the failure is recorded and poisoned.
import { afterEach, describe, expect, it } from "vitest";
import { NonRetriableError } from "../src/errors.js";
import { type WorkerHarness, workerHarness } from "./support/worker-harness.js";

const harnesses: WorkerHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

async function proxied(handler: Parameters<typeof workerHarness>[0], env: Record<string, string> = {}) {
  const h = await workerHarness(handler, { proxied: true, env });
  harnesses.push(h);
  return h;
}

/** Loses the response of the next job-row write that sets this status (a batch: the row with its index rows). */
function loseResponseOfWrite(h: WorkerHarness, status: string): { applied: boolean } {
  const state = { applied: false };
  h.proxy?.inject({
    service: "table",
    kind: "lost-response",
    match: (req) =>
      req.method === "POST" && req.url.includes("$batch") && req.body.includes(`"Status":"${status}"`),
    onApplied: () => {
      state.applied = true;
    },
  });
  return state;
}

describe("a job-row write whose response is lost", () => {
  it("keeps a claim whose response was lost, and runs the job once", async () => {
    let runs = 0;
    const h = await proxied(async () => {
      runs++;
      return { data: "ok", contentType: "text/plain", filename: "ok.txt" };
    });
    const fault = loseResponseOfWrite(h, "processing");
    const id = await h.addJob({ n: 1 });

    const outcome = await h.execute(await h.receive());

    expect(fault.applied).toBe(true);
    expect(outcome).toBe("done");
    expect(runs).toBe(1);
    expect(await h.direct.jobs.get(id)).toMatchObject({ status: "done", attempt: 1 });
  });

  it("commits once when the response of the done write was lost", async () => {
    const h = await proxied(async () => ({ data: "ok", contentType: "text/plain", filename: "ok.txt" }));
    const fault = loseResponseOfWrite(h, "done");
    const id = await h.addJob({ n: 2 });

    const outcome = await h.execute(await h.receive());

    expect(fault.applied).toBe(true);
    expect(outcome).toBe("done");
    expect(await h.direct.jobs.get(id)).toMatchObject({ status: "done", blobName: `${id}/1/ok.txt` });
    expect(await h.direct.blobs.get(`${id}/1/ok.txt`)).toEqual(Buffer.from("ok"));
    expect(h.logs.filter((l) => l.msg === "job done")).toHaveLength(1);
    expect(h.logs.filter((l) => l.msg.startsWith("late result discarded"))).toEqual([]);
    expect(await h.direct.queue.count()).toBe(0);
  });

  it("records the failure, writes the poison record and deletes the message when the error write's response was lost", async () => {
    const h = await proxied(
      async () => {
        throw new Error("always fails");
      },
      { PRAISONAI_SVC_MAX_DEQUEUE: "1" },
    );
    const fault = loseResponseOfWrite(h, "error");
    const id = await h.addJob({ n: 3 });

    const outcome = await h.execute(await h.receive());

    expect(fault.applied).toBe(true);
    expect(outcome).toBe("failed");
    expect(await h.direct.jobs.get(id)).toMatchObject({
      status: "error",
      errorMsg: "always fails",
      retryCount: 1,
    });
    const poison = await h.direct.poison.peek(32);
    expect(poison.map((m) => JSON.parse(m.body).job_id)).toEqual([id]);
    expect(await h.direct.queue.count()).toBe(0);
  });

  it("fails a job at once on NonRetriableError even when the error write's response was lost", async () => {
    const h = await proxied(async () => {
      throw new NonRetriableError("bad deck");
    });
    const fault = loseResponseOfWrite(h, "error");
    const id = await h.addJob({ n: 4 });

    expect(await h.execute(await h.receive())).toBe("failed");

    expect(fault.applied).toBe(true);
    expect(await h.direct.jobs.get(id)).toMatchObject({
      status: "error",
      errorMsg: "bad deck",
      retryCount: 1,
    });
    expect(await h.direct.poison.peek(32)).toEqual([]);
    expect(await h.direct.queue.count()).toBe(0);
  });
});
