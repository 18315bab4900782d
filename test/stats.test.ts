// GET /admin/stats: counts, jobs per hour, run time and queue wait over a window, and the queue depths.
import { describe, expect, it } from "vitest";
import { ServiceApp } from "../src/app/service-app.js";
import type { JobStatus } from "../src/storage/types.js";
import { testService } from "./support/api.js";
import { newJob } from "./support/conformance/job-store.js";
import { KEY_A, KEY_B } from "./support/security.js";

const KEYS = { PRAISONAI_SVC_API_KEYS: `admin:${KEY_A},bob:${KEY_B}` };
const app = new ServiceApp("Stats").job(() => ["ok", "text/plain", "ok.txt"]);
const MIN = 60_000;

async function seeded() {
  const svc = await testService(app, KEYS);
  const now = Date.now();
  const add = (status: JobStatus, createdAgo: number, startedAgo?: number) =>
    svc.storage.jobs.create(
      newJob({
        status,
        createdUtc: new Date(now - createdAgo),
        startedUtc: startedAgo === undefined ? undefined : new Date(now - startedAgo),
      }),
      [],
    );
  await add("done", 30 * MIN, 29 * MIN); // waited 60 s, ran ~29 min (until it was written, now)
  await add("done", 20 * MIN, 19.5 * MIN); // waited 30 s, ran ~19.5 min
  await add("error", 10 * MIN, 9 * MIN); // waited 60 s
  await add("queued", 5 * MIN);
  await add("done", 30 * 60 * MIN, 30 * 60 * MIN - 1000); // 30 h ago: outside the default window
  await svc.storage.queue.send("a");
  await svc.storage.queue.send("b");
  await svc.storage.poison.send("c");
  return { svc, now };
}

const stats = (svc: Awaited<ReturnType<typeof testService>>, query = "", key = KEY_A) =>
  svc.api.inject({ method: "GET", url: `/admin/stats${query}`, headers: { "x-api-key": key } });

describe("GET /admin/stats", () => {
  it("counts the window's jobs by status and hour, with run time, queue wait and queue depths", async () => {
    const { svc, now } = await seeded();
    const res = await stats(svc);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.counts).toEqual({ queued: 1, processing: 0, done: 2, error: 1, total: 4 });
    expect(body.queue).toEqual({ depth: 2, poison_depth: 1 });
    expect(body.queue_wait).toEqual({ median_ms: 60_000, p95_ms: 60_000, count: 3 });
    expect(body.duration.count).toBe(2);
    // Nearest-rank median of two: the shorter run; both ran until the rows were written, a moment ago.
    expect(body.duration.median_ms).toBeGreaterThanOrEqual(19.5 * MIN);
    expect(body.duration.median_ms).toBeLessThan(19.5 * MIN + 30_000);
    expect(body.duration.p95_ms).toBeGreaterThanOrEqual(29 * MIN);
    expect(body.per_hour).toHaveLength(24);
    expect(body.per_hour.at(-1).hour).toBe(new Date(Math.floor(now / 3_600_000) * 3_600_000).toISOString());
    const sum = (k: string) =>
      body.per_hour.reduce((n: number, h: Record<string, number>) => n + (h[k] ?? 0), 0);
    expect([sum("submitted"), sum("done"), sum("failed")]).toEqual([4, 2, 1]);
    expect(body.truncated).toBe(false);
    expect(body.window.hours).toBe(24);
  });

  it("widens the window with hours=", async () => {
    const { svc } = await seeded();
    const body = (await stats(svc, "?hours=48")).json();
    expect(body.counts).toMatchObject({ done: 3, total: 5 });
    expect(body.per_hour).toHaveLength(48);
  });

  it("refuses a bad window with 400 and anyone but the admin key with 403", async () => {
    const { svc } = await seeded();
    for (const q of ["?hours=0", "?hours=169", "?hours=day"]) {
      const res = await stats(svc, q);
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toBe("hours must be a whole number from 1 to 168.");
    }
    expect((await stats(svc, "", KEY_B)).statusCode).toBe(403);
  });
});
