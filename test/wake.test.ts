// Wake on submit: an API on the same machine pokes its worker over loopback UDP after each enqueue, so a
// worker deep in its backoff sleep receives at once; the poke carries nothing and is rate-bounded.
import { createSocket } from "node:dgram";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ServiceApp } from "../src/app/service-app.js";
import { freePort } from "../src/local/azurite.js";
import { freeWakePort } from "../src/worker/wake.js";
import { settle, testService } from "./support/api.js";
import { ROOT, runCli, waitForJob } from "./support/cli.js";
import { isolatedEnv } from "./support/storage.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records when the handler started each job. */
function timedApp() {
  const started = new Map<string, number>();
  const app = new ServiceApp("Timed").job((_p, ctx) => {
    started.set(ctx.jobId, Date.now());
    return { data: "ok", contentType: "text/plain", filename: "ok.txt" };
  });
  return { app, started };
}

/** Counts receives on the worker's queue. */
function countReceives(queue: { receive: (max: number, ms: number) => Promise<unknown[]> }) {
  const counter = { n: 0 };
  const receive = queue.receive.bind(queue);
  queue.receive = (max, ms) => {
    counter.n++;
    return receive(max, ms);
  };
  return counter;
}

async function poke(port: number, times: number, body = Buffer.alloc(0)) {
  const socket = createSocket("udp4");
  for (let i = 0; i < times; i++) {
    await new Promise<void>((resolve) => socket.send(body, port, "127.0.0.1", () => resolve()));
  }
  socket.close();
}

describe("wake on submit", () => {
  it("starts a job at once on a worker sleeping a 30 s backoff", async () => {
    const { app, started } = timedApp();
    const port = await freeWakePort();
    const { api, startWorker } = await testService(app, {
      PRAISONAI_SVC_POLL_MIN: "30",
      PRAISONAI_SVC_POLL_MAX: "30",
      PRAISONAI_SVC_WAKE_PORT: String(port),
    });
    startWorker();
    await sleep(1500); // its first receive found nothing: it now sleeps for 30 s
    const pickups: number[] = [];
    for (let i = 0; i < 3; i++) {
      const submitted = Date.now();
      const { job_id } = (await api.inject({ method: "POST", url: "/jobs", payload: { i } })).json();
      expect((await settle(api, job_id, 10_000)).status).toBe("done");
      pickups.push((started.get(job_id) as number) - submitted);
      await sleep(1000); // asleep again (30 s) before the next one
    }
    for (const ms of pickups) expect(ms).toBeLessThan(3000); // not 30 s
    console.info(`[wake] pickup on a worker in a 30 s backoff: ${pickups.join(", ")} ms`);
  });

  it("bounds what a flood of datagrams can do: at most one early receive per 50 ms, whatever they carry", async () => {
    const port = await freeWakePort();
    const { storage, startWorker } = await testService(timedApp().app, {
      PRAISONAI_SVC_POLL_MIN: "30",
      PRAISONAI_SVC_POLL_MAX: "30",
      PRAISONAI_SVC_WAKE_PORT: String(port),
    });
    const receives = countReceives(storage.queue);
    startWorker();
    await sleep(1500);
    const before = receives.n;
    const t0 = Date.now();
    await poke(port, 2000, Buffer.from('{"job":"not read"}'));
    await sleep(300);
    const elapsed = Date.now() - t0;
    const early = receives.n - before;
    expect(early).toBeGreaterThanOrEqual(1);
    expect(early).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 1);
    console.info(`[wake] 2000 datagrams in ${elapsed} ms caused ${early} receives`);
  });

  it("falls back to polling when the wake port is taken", async () => {
    const port = await freeWakePort();
    const squatter = createSocket("udp4");
    await new Promise<void>((r) => squatter.bind(port, "127.0.0.1", () => r()));
    try {
      const { app } = timedApp();
      const { api, startWorker } = await testService(app, { PRAISONAI_SVC_WAKE_PORT: String(port) });
      startWorker();
      const { job_id } = (await api.inject({ method: "POST", url: "/jobs", payload: { n: 1 } })).json();
      expect((await settle(api, job_id)).status).toBe("done");
    } finally {
      squatter.close();
    }
  });

  it("is wired by `praisonai-svc run`: a job starts at once while its worker process sleeps a 30 s backoff", async () => {
    const port = await freePort();
    const proc = runCli(
      ["run", path.join(ROOT, "test", "fixtures", "cli", "plain.js"), "--port", String(port)],
      {
        env: isolatedEnv({
          PRAISONAI_SVC_POLL_MIN: "30",
          PRAISONAI_SVC_POLL_MAX: "30",
          PRAISONAI_SVC_LOG_LEVEL: "info",
        }),
      },
    );
    await proc.waitForOutput(/"msg":"worker polling"/, 60_000);
    await proc.waitForOutput(/"msg":"listening for wake-ups on loopback"/, 10_000);
    await sleep(2000); // its first receive found nothing: the worker now sleeps for 30 s
    const url = `http://127.0.0.1:${port}`;
    const submitted = Date.now();
    const res = await fetch(`${url}/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: 1 }),
    });
    const { job_id } = (await res.json()) as { job_id: string };
    const done = await waitForJob(url, job_id, { timeoutMs: 20_000 });
    expect(done.status).toBe("done");
    expect(Date.now() - submitted).toBeLessThan(10_000); // not the 30 s backoff
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
  });
});
