// The lease on a running job (docs/reliability.md, "Lease"): renewed every quarter of the visibility timeout
// with the newest pop receipt; two failed renewals in a row do not let the message reappear; a lease taken by
// another receive fires the handler's ctx.signal. Against the real queue (Azurite), timed by the lease itself.
import { describe, expect, it } from "vitest";
import { LeaseLostError } from "../src/errors.js";
import { encodeMessage } from "../src/jobs/message.js";
import type { JobQueue, QueueMessage } from "../src/storage/types.js";
import { MessageLease } from "../src/worker/lease.js";
import { isolatedStorage } from "./support/storage.js";
import { workerHarness } from "./support/worker-harness.js";

const VISIBILITY_MS = 2000;
const quiet = { warn() {} };

/** The real queue, with each extend recorded (time, the receipt it was given) and the chosen calls failing. */
function recording(queue: JobQueue, failCalls: number[] = []) {
  const calls: { t: number; receipt: string }[] = [];
  const wrapped: JobQueue = {
    ...queue,
    receive: queue.receive.bind(queue),
    delete: queue.delete.bind(queue),
    async extend(msg, ms) {
      calls.push({ t: Date.now(), receipt: msg.popReceipt });
      if (failCalls.includes(calls.length)) throw new Error("503 Server Busy (injected)");
      return queue.extend(msg, ms);
    },
  };
  return { queue: wrapped, calls };
}

async function oneMessage(): Promise<{ queue: JobQueue; msg: QueueMessage; receivedAt: number }> {
  const { storage } = await isolatedStorage();
  await storage.queue.send(encodeMessage("3f1c0c0e-0000-4000-8000-000000000000"));
  const receivedAt = Date.now();
  const [msg] = await storage.queue.receive(1, VISIBILITY_MS);
  if (!msg) throw new Error("no message");
  return { queue: storage.queue, msg, receivedAt };
}

/** Receives from `queue` every 50 ms for `ms`; resolves with what it got (nothing, while the lease holds). */
async function poll(queue: JobQueue, ms: number): Promise<QueueMessage[]> {
  const got: QueueMessage[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    got.push(...(await queue.receive(1, 60_000)));
    await new Promise((r) => setTimeout(r, 50));
  }
  return got;
}

describe("the lease on a running job", () => {
  it("renews every quarter of the visibility timeout, each time with the newest pop receipt", async () => {
    const { queue, msg } = await oneMessage();
    const rec = recording(queue);
    const lease = new MessageLease(rec.queue, msg, VISIBILITY_MS, quiet).start();
    const stolen = await poll(queue, 2 * VISIBILITY_MS);
    await lease.stop();

    expect(stolen).toEqual([]);
    const gaps = rec.calls.slice(1).map((c, i) => c.t - (rec.calls[i] as { t: number }).t);
    console.info(
      `[lease] ${rec.calls.length} renewals in ${2 * VISIBILITY_MS} ms, gaps ${gaps.join(", ")} ms`,
    );
    // 8 at most in 4 s (one per 500 ms); fewer when a slow renewal delays the next.
    expect(rec.calls.length).toBeGreaterThanOrEqual(5);
    expect(rec.calls.length).toBeLessThanOrEqual(8);
    // setInterval may fire late under load, never early (a few ms of timer rounding aside).
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(VISIBILITY_MS / 4 - 10);
    // Each renewal presents the receipt the previous one returned: all different, the first the received one.
    const receipts = rec.calls.map((c) => c.receipt);
    expect(receipts[0]).toBe(msg.popReceipt);
    expect(new Set(receipts).size).toBe(receipts.length);
    expect(lease.message.popReceipt).not.toBe(receipts.at(-1));
  }, 30_000);

  it("keeps the message hidden through two failed renewals in a row", async () => {
    const { queue, msg } = await oneMessage();
    const rec = recording(queue, [1, 2]);
    // As in the worker, the lease starts once the job is claimed, a few storage calls after the receive.
    await new Promise((r) => setTimeout(r, 200));
    const lease = new MessageLease(rec.queue, msg, VISIBILITY_MS, quiet).start();
    const stolen = await poll(queue, 2 * VISIBILITY_MS);
    await lease.stop();

    console.info(`[lease] renewals at ${rec.calls.map((c) => c.t - (rec.calls[0]?.t ?? 0)).join(", ")} ms`);
    expect(stolen).toEqual([]);
    expect(lease.lost.aborted).toBe(false);
    expect(rec.calls.length).toBeGreaterThanOrEqual(4);
  }, 30_000);

  it("fires the handler's ctx.signal when another receive took the message", async () => {
    let aborted: unknown;
    // The worker's renewals fail (transiently) until the test has taken the message; then they reach the queue.
    let taken = false;
    const h = await workerHarness(
      (_payload, ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => {
            aborted = ctx.signal.reason;
            reject(ctx.signal.reason);
          }),
        ),
      {
        env: { PRAISONAI_SVC_VISIBILITY_TIMEOUT: "1" },
        wrap: (s) => ({
          ...s,
          queue: {
            ...s.queue,
            receive: s.queue.receive.bind(s.queue),
            delete: s.queue.delete.bind(s.queue),
            extend: (msg, ms) =>
              taken ? s.queue.extend(msg, ms) : Promise.reject(new Error("503 Server Busy (injected)")),
          },
        }),
      },
    );
    await h.addJob({ n: 1 });
    const delivery = h.execute(await h.receive());
    const deadline = Date.now() + 10_000;
    while (!taken) {
      if (Date.now() > deadline) throw new Error("the message never reappeared");
      taken = (await h.direct.queue.receive(1, 60_000)).length > 0;
      await new Promise((r) => setTimeout(r, 50));
    }
    await delivery;
    expect(aborted).toBeInstanceOf(LeaseLostError);
  }, 30_000);
});
