// The behaviour every JobQueue driver must have.
import { describe, expect, it } from "vitest";
import { LeaseLostError } from "../../../src/errors.js";
import { type JobQueue, MAX_VISIBILITY_MS } from "../../../src/storage/types.js";

export function testJobQueue(name: string, makeQueue: () => Promise<JobQueue>): void {
  describe(`JobQueue conformance: ${name}`, () => {
    it("delivers a sent message with its body and a dequeue count of 1", async () => {
      const q = await makeQueue();
      await q.send('{"job_id":"a"}');
      const [m] = await q.receive(1, 30_000);
      expect(m).toMatchObject({ body: '{"job_id":"a"}', dequeueCount: 1 });
      expect(await q.receive(1, 30_000)).toEqual([]);
    });

    it("redelivers a message whose visibility timeout passed, counting the delivery", async () => {
      const q = await makeQueue();
      await q.send("x");
      await q.receive(1, 1000);
      await new Promise((r) => setTimeout(r, 1500));
      const [m] = await q.receive(1, 30_000);
      expect(m?.dequeueCount).toBe(2);
    });

    it("extends a lease with a new pop receipt and refuses the old one", async () => {
      const q = await makeQueue();
      await q.send("x");
      const [m] = await q.receive(1, 1000);
      if (!m) throw new Error("no message");
      const renewed = await q.extend(m, 3000);
      expect(renewed.popReceipt).not.toBe(m.popReceipt);
      await expect(q.extend(m, 3000)).rejects.toBeInstanceOf(LeaseLostError);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await q.receive(1, 1000)).toEqual([]); // still invisible: the renewal held
      await q.delete(renewed);
      expect(await q.count()).toBe(0);
    });

    it("keeps a message invisible for up to 7 days, and refuses longer without calling the lease lost", async () => {
      const q = await makeQueue();
      await q.send("x");
      const [m] = await q.receive(1, 30_000);
      if (!m) throw new Error("no message");
      const held = await q.extend(m, MAX_VISIBILITY_MS);
      const tooLong = await q.extend(held, MAX_VISIBILITY_MS + 1000).catch((e: unknown) => e);
      expect(tooLong).toBeInstanceOf(Error);
      expect(tooLong).not.toBeInstanceOf(LeaseLostError);
      await q.delete(held);
      expect(await q.count()).toBe(0);
    });

    it("hides a message sent with a delay until the delay passes", async () => {
      const q = await makeQueue();
      await q.send("later", { delayMs: 1000 });
      expect(await q.receive(1, 1000)).toEqual([]);
      await new Promise((r) => setTimeout(r, 1300));
      expect((await q.receive(1, 1000)).map((m) => m.body)).toEqual(["later"]);
    });

    it("makes a released message visible again at once", async () => {
      const q = await makeQueue();
      await q.send("x");
      const [m] = await q.receive(1, 60_000);
      if (!m) throw new Error("no message");
      await q.extend(m, 0);
      expect((await q.receive(1, 60_000)).length).toBe(1);
    });

    it("receives several messages at once and peeks without receiving", async () => {
      const q = await makeQueue();
      await Promise.all(["1", "2", "3"].map((b) => q.send(b)));
      expect((await q.peek(10)).length).toBe(3);
      expect(await q.count()).toBe(3);
      const got = await q.receive(32, 30_000);
      expect(got.map((m) => m.body).sort()).toEqual(["1", "2", "3"]);
    });

    it("treats deleting a message that is already gone as done", async () => {
      const q = await makeQueue();
      await q.send("x");
      const [m] = await q.receive(1, 30_000);
      if (!m) throw new Error("no message");
      await q.delete(m);
      await q.delete(m);
    });
  });
}
