// One delivery against Azurite, step by step: the fence on a late result, duplicate messages, the hand-back
// on shutdown, and the timeout's wording.
import { describe, expect, it } from "vitest";
import { encodeMessage } from "../src/jobs/message.js";
import { describeDuration, JobTimeoutError } from "../src/worker/job-errors.js";
import { workerHarness } from "./support/worker-harness.js";

/** A handler that waits until the test lets it finish, and says when it has started. */
function gatedHandler() {
  let open!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const running = new Promise<void>((r) => {
    started = r;
  });
  let runs = 0;
  const handler = async () => {
    runs++;
    started();
    await gate;
    return { data: "late", contentType: "text/plain", filename: "out.txt" };
  };
  return { handler, open: () => open(), running, runs: () => runs };
}

describe("one delivery", () => {
  it("discards its result when a newer delivery claimed and committed the job meanwhile", async () => {
    const gated = gatedHandler();
    const h = await workerHarness(gated.handler);
    const id = await h.addJob({ n: 1 });
    const delivery = h.execute(await h.receive());
    await gated.running;

    // What a second worker does once this one's lease lapsed: claim attempt 2, then commit its own file.
    const row = await h.direct.jobs.get(id);
    if (!row) throw new Error("no row");
    const claimed = await h.direct.jobs.update(row, { attempt: 2, messageId: "newer", status: "processing" });
    await h.direct.blobs.put(`${id}/2/out.txt`, Buffer.from("newer"), { contentType: "text/plain" });
    await h.direct.jobs.update(claimed, { status: "done", blobName: `${id}/2/out.txt`, filename: "out.txt" });
    gated.open();

    expect(await delivery).toBe("lost");
    expect(await h.direct.jobs.get(id)).toMatchObject({
      status: "done",
      attempt: 2,
      blobName: `${id}/2/out.txt`,
    });
    await expect(h.direct.blobs.get(`${id}/1/out.txt`)).rejects.toThrow();
    expect(h.logs.map((l) => l.msg)).toContain(
      "late result discarded: the job was claimed by a newer delivery",
    );
  });

  it("deletes a duplicate message of a finished job without running it", async () => {
    let runs = 0;
    const h = await workerHarness(async () => {
      runs++;
      return { data: "x", contentType: "text/plain", filename: "x.txt" };
    });
    const id = await h.addJob({ n: 2 });
    expect(await h.execute(await h.receive())).toBe("done");
    await h.direct.queue.send(encodeMessage(id));

    expect(await h.execute(await h.receive())).toBe("skipped");

    expect(runs).toBe(1);
    expect(await h.direct.queue.count()).toBe(0);
  });

  it("defers a duplicate message of a running job and leaves the running delivery alone", async () => {
    const gated = gatedHandler();
    const h = await workerHarness(gated.handler);
    const id = await h.addJob({ n: 3 });
    const first = h.execute(await h.receive());
    await gated.running;
    await h.direct.queue.send(encodeMessage(id));

    const duplicate = await h.receive();
    expect(await h.execute(duplicate)).toBe("deferred");
    // Not run and not dropped: still in the queue beside the running delivery's message, and hidden again.
    expect(await h.direct.queue.count()).toBe(2);
    expect(await h.direct.queue.peek(32)).toEqual([]);
    gated.open();

    expect(await first).toBe("done");
    expect(await h.direct.jobs.get(id)).toMatchObject({ status: "done", attempt: 1 });
    expect(gated.runs()).toBe(1);
    // The running delivery deleted its own message only; the duplicate waits, hidden, to be dropped unrun.
    expect(await h.direct.queue.count()).toBe(1);
    expect(await h.direct.queue.peek(32)).toEqual([]);
  });

  it("hands the job back on shutdown: queued, one release, its message visible at once", async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const h = await workerHarness((_payload, ctx) => {
      started();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
      );
    });
    const id = await h.addJob({ n: 4 });
    const shutdown = new AbortController();
    const delivery = h.execute(await h.receive(), shutdown.signal);
    await running;
    shutdown.abort();

    expect(await delivery).toBe("released");
    expect(await h.direct.jobs.get(id)).toMatchObject({
      status: "queued",
      releases: 1,
      messageId: undefined,
    });
    const [again] = await h.direct.queue.receive(1, 5000);
    expect(again?.dequeueCount).toBe(2);
  });

  it("words the timeout as the spec does: Job exceeded 10 minute timeout", () => {
    expect(new JobTimeoutError(600_000).message).toBe("Job exceeded 10 minute timeout");
    expect(describeDuration(90_000)).toBe("90 second");
    expect(describeDuration(1500)).toBe("1.5 second");
  });
});
