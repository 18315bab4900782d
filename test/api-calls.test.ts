// What one request costs the API in storage calls, pinned like the worker's (test/worker-calls.test.ts): each
// call is a billed transaction and a round trip on the request's path (docs/performance.md, "What limits
// each figure"). POST /jobs is one table transaction (job row, its history-index rows, the dedupe key) and
// one message; GET /jobs/{id} is one row read, the download link being signed locally.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { createAzureStorage, initStorage } from "../src/storage/azure/index.js";
import type { Storage } from "../src/storage/types.js";
import { type CliProcess, postJob, ROOT, startApiProcess } from "./support/cli.js";
import { type FaultProxy, startFaultProxy } from "./support/fault-proxy.js";
import { isolatedEnv } from "./support/storage.js";

const HANDLERS = path.join(ROOT, "test/fixtures/cli/plain.js");

let proxy: FaultProxy;
let url: string;
let api: CliProcess | undefined;
let direct: Storage;

const post = (payload: unknown) => postJob(url, payload);

beforeAll(async () => {
  proxy = await startFaultProxy({ upstream: inject("azurite").ports });
  // Rate limits off: with them on, each request adds its counter's read and write (measured apart by the bench).
  const env = isolatedEnv({ PRAISONAI_SVC_RATE_LIMIT: "0", PRAISONAI_SVC_READ_RATE_LIMIT: "0" });
  direct = createAzureStorage(loadConfig(env));
  await initStorage(direct);
  // Kept across the tests of this file (the CLI helper would stop it after each), stopped by its pid below.
  ({ url, proc: api } = await startApiProcess(
    HANDLERS,
    { ...env, AZURE_STORAGE_CONNECTION_STRING: proxy.connectionString },
    { keep: true },
  ));
  // The first request also waits for the deferred storage connection (its create-if-missing calls): not counted.
  await post({ warm: true });
}, 60_000);

afterAll(async () => {
  if (api && api.child.exitCode === null) {
    api.kill("SIGTERM");
    await api.exited;
  }
  await proxy?.close();
});

/** Storage calls the API made while `action` ran. */
async function callsDuring(action: () => Promise<unknown>): Promise<number> {
  const before = proxy.stats.requests;
  await action();
  return proxy.stats.requests - before;
}

describe("one request's storage calls", () => {
  it("POST /jobs: two, one table transaction and one message", async () => {
    expect(await callsDuring(() => post({ n: 1 }))).toBe(2);
    expect(await callsDuring(() => post({ n: 2 }))).toBe(2);
  });

  it("GET /jobs/{id} of a queued job: one row read", async () => {
    const id = await post({ n: 3 });
    expect(await callsDuring(() => fetch(`${url}/jobs/${id}`).then((r) => r.json()))).toBe(1);
  });

  it("GET /jobs/{id} of a done job: one row read, the download link signed without a call", async () => {
    const id = await post({ n: 4 });
    const job = await direct.jobs.get(id);
    if (!job) throw new Error("the posted job is not stored");
    const claimed = await direct.jobs.update(job, {
      status: "processing",
      startedUtc: new Date(),
      attempt: 1,
    });
    await direct.blobs.put(`${id}/1/ok.txt`, Buffer.from("ok"), {
      contentType: "text/plain",
      filename: "ok.txt",
    });
    await direct.jobs.update(claimed, {
      status: "done",
      blobName: `${id}/1/ok.txt`,
      filename: "ok.txt",
      contentType: "text/plain",
      size: 2,
    });
    let body: { download_url?: string } = {};
    const calls = await callsDuring(async () => {
      body = (await (await fetch(`${url}/jobs/${id}`)).json()) as typeof body;
    });
    expect(typeof body.download_url).toBe("string");
    expect(calls).toBe(1);
  });
});
