// GET /jobs: each caller's history, newest first, paged with an opaque cursor; the admin key sees everyone's.
import { describe, expect, it } from "vitest";
import { ServiceApp } from "../src/app/service-app.js";
import { testService } from "./support/api.js";
import { KEY_A, KEY_B } from "./support/security.js";

const ADMIN = `C${KEY_A.slice(1)}`;
const KEYS = { PRAISONAI_SVC_API_KEYS: `admin:${ADMIN},alice:${KEY_A},bob:${KEY_B}` };
const app = new ServiceApp("History").job(() => ["ok", "text/plain", "ok.txt"]);

const as = (key: string) => ({ "x-api-key": key });

async function submit(svc: Awaited<ReturnType<typeof testService>>, key: string, n: number): Promise<string> {
  const res = await svc.api.inject({ method: "POST", url: "/jobs", headers: as(key), payload: { n } });
  expect(res.statusCode).toBe(202);
  // Distinct creation times, so "newest first" has one answer.
  await new Promise((r) => setTimeout(r, 3));
  return res.json().job_id;
}

async function list(svc: Awaited<ReturnType<typeof testService>>, key: string, query = "") {
  return svc.api.inject({ method: "GET", url: `/jobs${query}`, headers: as(key) });
}

describe("GET /jobs", () => {
  it("lists the caller's own jobs newest first, page by page, with next_cursor and a Link header", async () => {
    const svc = await testService(app, KEYS);
    const alice: string[] = [];
    for (let n = 0; n < 5; n++) alice.unshift(await submit(svc, KEY_A, n));
    await submit(svc, KEY_B, 99);

    const seen: string[] = [];
    let query = "?limit=2";
    for (let pages = 0; pages < 5; pages++) {
      const res = await list(svc, KEY_A, query);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      seen.push(...body.jobs.map((j: { job_id: string }) => j.job_id));
      expect(body.jobs[0]).not.toHaveProperty("owner");
      if (body.next_cursor === null) {
        expect(res.headers.link).toBeUndefined();
        break;
      }
      expect(res.headers.link).toBe(`</jobs?limit=2&cursor=${body.next_cursor}>; rel="next"`);
      query = `?limit=2&cursor=${body.next_cursor}`;
    }
    expect(seen).toEqual(alice);
    const bob = (await list(svc, KEY_B)).json();
    expect(bob.jobs).toHaveLength(1);
    expect(bob.jobs[0]).toMatchObject({ status: "queued", retry_count: 0 });
  });

  it("filters by status as jobs run", async () => {
    const svc = await testService(app, KEYS);
    const id = await submit(svc, KEY_A, 1);
    expect(
      (await list(svc, KEY_A, "?status=queued")).json().jobs.map((j: { job_id: string }) => j.job_id),
    ).toEqual([id]);
    svc.startWorker();
    await expect
      .poll(async () => (await list(svc, KEY_A, "?status=done")).json().jobs, { timeout: 20_000 })
      .toMatchObject([
        { job_id: id, status: "done", filename: "ok.txt", content_type: "text/plain", size: 2 },
      ]);
    expect((await list(svc, KEY_A, "?status=queued")).json().jobs).toEqual([]);
  });

  it("shows the admin every owner's jobs with their owner, or one owner's with owner=", async () => {
    const svc = await testService(app, KEYS);
    const a = await submit(svc, KEY_A, 1);
    const b = await submit(svc, KEY_B, 2);
    const all = (await list(svc, ADMIN)).json();
    expect(all.jobs.map((j: { job_id: string; owner: string }) => [j.job_id, j.owner])).toEqual([
      [b, "name:bob"],
      [a, "name:alice"],
    ]);
    const bobs = (await list(svc, ADMIN, "?owner=name:bob")).json();
    expect(bobs.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([b]);
    const refused = await list(svc, KEY_A, "?owner=name:bob");
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain("admin key");
  });

  it.each([
    ["?status=finished", "status must be one of queued, processing, done, error"],
    ["?limit=0", "limit must be a whole number from 1 to 100"],
    ["?limit=101", "limit must be a whole number from 1 to 100"],
    ["?limit=ten", "limit must be a whole number from 1 to 100"],
    ["?cursor=not%20ours", "The cursor is not one a previous page returned"],
    [
      `?cursor=${Buffer.from("../x").toString("base64url")}`,
      "The cursor is not one a previous page returned",
    ],
  ])("answers %s with 400 problem+json that says what is wrong", async (query, detail) => {
    const svc = await testService(app, KEYS);
    const res = await list(svc, KEY_A, query);
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().detail).toContain(detail);
  });

  it("needs a key like every job route", async () => {
    const svc = await testService(app, KEYS);
    expect((await svc.api.inject({ method: "GET", url: "/jobs" })).statusCode).toBe(401);
  });
});
