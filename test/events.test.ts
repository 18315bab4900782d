// GET /jobs/{id}/events over a real socket: status and progress as they happen, resume, heartbeats, the
// stream cap, ownership, one shared row watcher per job.
import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import type { JobContext } from "../src/app/handler.js";
import { ServiceApp } from "../src/app/service-app.js";
import type { Storage } from "../src/storage/types.js";
import { testService } from "./support/api.js";
import { dataOf, openEvents, type ReceivedEvent } from "./support/sse.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const file = { data: "ok", contentType: "text/plain", filename: "ok.txt" };
const KEY_A = `alice:${"a".repeat(32)}`;
const KEY_B = `bob:${"b".repeat(32)}`;
const keyOf = (entry: string) => ({ "x-api-key": entry.slice(entry.indexOf(":") + 1) });

async function listen(api: FastifyInstance): Promise<string> {
  return api.listen({ port: 0, host: "127.0.0.1" });
}

const post = async (api: FastifyInstance, payload: unknown, headers: Record<string, string> = {}) =>
  (await api.inject({ method: "POST", url: "/jobs", payload: payload as object, headers })).json()
    .job_id as string;

const named = (name: string) => (e: ReceivedEvent) => e.event === name;
const statusIs = (status: string) => (e: ReceivedEvent) =>
  e.event === "status" && dataOf(e).status === status;

/** Counts row reads of the jobs table. */
function countReads(storage: Storage): { n: number } {
  const counter = { n: 0 };
  const get = storage.jobs.get.bind(storage.jobs);
  storage.jobs.get = (id) => {
    counter.n++;
    return get(id);
  };
  return counter;
}

describe("GET /jobs/{id}/events", () => {
  it("streams status and progress from queued to done, then ends; progress reaches the client within a poll", async () => {
    const reported: number[] = [];
    const app = new ServiceApp("Steps").job(async (_p, ctx: JobContext) => {
      for (const f of [0.25, 0.5, 0.75]) {
        await sleep(1300); // past the one-a-second throttle: each report is written at once
        reported.push(Date.now());
        ctx.progress(f, `at ${f}`);
      }
      await sleep(1300);
      return file;
    });
    const { api, startWorker } = await testService(app);
    const url = await listen(api);
    const id = await post(api, { n: 1 });
    const stream = await openEvents(`${url}/jobs/${id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(stream.headers["cache-control"]).toBe("no-store");
    await stream.next(statusIs("queued"));
    startWorker();
    await stream.next(statusIs("processing"));
    const done = await stream.next(statusIs("done"), 30_000);
    await stream.ended;

    expect(dataOf(done)).toMatchObject({ job_id: id, status: "done", download_url: expect.any(String) });
    const progress = stream.events.filter(named("progress"));
    expect(progress.map((e) => dataOf(e).fraction)).toEqual([0.25, 0.5, 0.75]);
    expect(dataOf(progress[0] as ReceivedEvent)).toMatchObject({
      message: "at 0.25",
      updated_utc: expect.any(String),
    });
    // Ids are row versions: they never go down, and the last one is the terminal status's.
    const ids = stream.events.filter((e) => e.id).map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const latencies = progress.map((e, i) => e.at - (reported[i] as number));
    // The row is read once a second: a report shows within that, plus a read and a write on a loaded machine.
    for (const ms of latencies) expect(ms).toBeLessThan(2000);
    console.info(`[events] progress call → event at the client: ${latencies.join(", ")} ms (poll 1 s)`);
  });

  it("resumes from Last-Event-ID without repeating, and ends at once for a client that saw the end", async () => {
    const app = new ServiceApp("Quick").job(async () => {
      await sleep(500);
      return file;
    });
    const { api, startWorker } = await testService(app);
    const url = await listen(api);
    const id = await post(api, { n: 2 });
    const first = await openEvents(`${url}/jobs/${id}/events`);
    const queued = await first.next(statusIs("queued"));
    first.close();

    const resumed = await openEvents(`${url}/jobs/${id}/events`, { "last-event-id": queued.id as string });
    startWorker();
    const done = await resumed.next(statusIs("done"), 30_000);
    await resumed.ended;
    expect(resumed.events.filter(statusIs("queued"))).toEqual([]);

    const after = await openEvents(`${url}/jobs/${id}/events`, { "last-event-id": done.id as string });
    await after.ended;
    expect(after.events.filter((e) => e.event)).toEqual([]);

    const late = await openEvents(`${url}/jobs/${id}/events`);
    await late.ended;
    expect(late.events.filter((e) => e.event).map((e) => dataOf(e).status)).toEqual(["done"]);
  });

  it("sends heartbeats while nothing changes, and refuses a Last-Event-ID it never sent", async () => {
    const { api } = await testService(
      new ServiceApp("Idle").job(() => file),
      {
        PRAISONAI_SVC_STREAM_HEARTBEAT: "1",
      },
    );
    const url = await listen(api);
    const id = await post(api, { n: 3 });
    const stream = await openEvents(`${url}/jobs/${id}/events`);
    await stream.next(statusIs("queued"));
    const beat = await stream.next((e) => e.comment === "keep-alive", 5000);
    expect(beat.event).toBeUndefined();
    stream.close();

    const bad = await fetch(`${url}/jobs/${id}/events`, { headers: { "last-event-id": "abc" } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/Last-Event-ID/);
  });

  it("shares one row watcher among the streams of a job: reads per stream-minute fall as streams join", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const app = new ServiceApp("Held").job(async () => {
      await gate;
      return file;
    });
    const { api, storage } = await testService(app);
    const url = await listen(api);
    const id = await post(api, { n: 4 });
    const reads = countReads(storage);
    const streams = await Promise.all(
      Array.from({ length: 5 }, () => openEvents(`${url}/jobs/${id}/events`)),
    );
    await Promise.all(streams.map((s) => s.next(statusIs("queued"))));
    const before = reads.n;
    const windowMs = 4000;
    await sleep(windowMs);
    const watched = reads.n - before;
    for (const s of streams) s.close();
    release();
    // One read a second for the job, not five.
    expect(watched).toBeGreaterThanOrEqual(2);
    expect(watched).toBeLessThanOrEqual(windowMs / 1000 + 1);
    const perStreamMinute = (watched / streams.length) * (60_000 / windowMs);
    console.info(
      `[events] ${streams.length} streams on one job: ${watched} reads in ${windowMs} ms = ${perStreamMinute.toFixed(1)} reads per stream-minute (one stream alone: ~60)`,
    );
    await sleep(1500);
    const idle = reads.n;
    await sleep(2000);
    expect(reads.n).toBe(idle); // every stream gone: no more reads
  });

  it("caps open streams per replica with 503 and Retry-After", async () => {
    const { api } = await testService(
      new ServiceApp("Idle").job(() => file),
      {
        PRAISONAI_SVC_MAX_STREAMS: "2",
      },
    );
    const url = await listen(api);
    const id = await post(api, { n: 5 });
    const open = [await openEvents(`${url}/jobs/${id}/events`), await openEvents(`${url}/jobs/${id}/events`)];
    const third = await fetch(`${url}/jobs/${id}/events`);
    expect(third.status).toBe(503);
    expect(third.headers.get("retry-after")).toBe("5");
    expect(((await third.json()) as { detail: string }).detail).toMatch(/PRAISONAI_SVC_MAX_STREAMS/);
    open[0]?.close();
    await sleep(300);
    const again = await openEvents(`${url}/jobs/${id}/events`);
    expect(again.status).toBe(200);
    again.close();
    open[1]?.close();
  });

  it("follows the rules of GET /jobs/{id}: a key is needed, and another owner's job is unknown", async () => {
    const { api } = await testService(
      new ServiceApp("Idle").job(() => file),
      {
        PRAISONAI_SVC_API_KEYS: `${KEY_A},${KEY_B}`,
      },
    );
    const url = await listen(api);
    const id = await post(api, { n: 6 }, keyOf(KEY_A));
    expect((await fetch(`${url}/jobs/${id}/events`)).status).toBe(401);
    expect((await fetch(`${url}/jobs/${id}/events`, { headers: keyOf(KEY_B) })).status).toBe(404);
    const mine = await openEvents(`${url}/jobs/${id}/events`, keyOf(KEY_A));
    expect(mine.status).toBe(200);
    await mine.next(statusIs("queued"));
    mine.close();
  });

  it("ends open streams when the API closes, instead of holding the shutdown", async () => {
    const { api } = await testService(new ServiceApp("Idle").job(() => file));
    const url = await listen(api);
    const id = await post(api, { n: 7 });
    const stream = await openEvents(`${url}/jobs/${id}/events`);
    await stream.next(statusIs("queued"));
    const started = Date.now();
    await api.close();
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
