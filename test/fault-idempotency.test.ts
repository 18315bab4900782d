// Fault injection: a burst of identical submissions (a double-clicking widget, a retrying client) makes one job.
import { describe, expect, it } from "vitest";
import { faultCluster } from "./support/fault-cluster.js";

/** Every job row in the test's own table (the table is unique to the test, so a scan is fine here). */
async function jobRows(c: Awaited<ReturnType<typeof faultCluster>>) {
  const statuses = ["queued", "processing", "done", "error"] as const;
  const lists = await Promise.all(statuses.map((s) => c.storage.jobs.listByStatus(s, 1000)));
  return lists.flat();
}

async function burst(url: string, n: number, request: (i: number) => RequestInit) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const res = await fetch(`${url}/jobs`, { method: "POST", ...request(i) });
      return { status: res.status, body: (await res.json()) as { job_id?: string } };
    }),
  );
}

describe("concurrent identical submissions", () => {
  it("makes one job of 50 concurrent identical POSTs", async () => {
    const c = await faultCluster();
    const url = await c.startApi();
    const payload = JSON.stringify({ mode: "sleep", ms: 0, case: "same-payload" });

    const responses = await burst(url, 50, () => ({
      headers: { "content-type": "application/json" },
      body: payload,
    }));

    const ids = new Set(responses.map((r) => r.body.job_id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(49);
    const rows = await jobRows(c);
    expect(rows.map((j) => j.id)).toEqual([...ids]);
    expect(await c.storage.queue.count()).toBe(1);
  });

  it("makes one job of 50 concurrent POSTs with one Idempotency-Key and different payloads", async () => {
    const c = await faultCluster();
    const url = await c.startApi();

    const responses = await burst(url, 50, (i) => ({
      headers: { "content-type": "application/json", "idempotency-key": "checkout-42" },
      body: JSON.stringify({ mode: "sleep", ms: 0, variant: i }),
    }));

    const ids = new Set(responses.map((r) => r.body.job_id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(49);
    expect((await jobRows(c)).map((j) => j.id)).toEqual([...ids]);
    expect(await c.storage.queue.count()).toBe(1);
  });
});
