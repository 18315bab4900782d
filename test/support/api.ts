// An in-process API (Fastify inject) and worker on isolated Azurite resources.
import type { FastifyInstance } from "fastify";
import { afterEach } from "vitest";
import { buildApi } from "../../src/api/server.js";
import type { ServiceApp } from "../../src/app/service-app.js";
import { callbackSender } from "../../src/cli/roles.js";
import { loadConfig, type ServiceConfig } from "../../src/config/config.js";
import { inProcessRunner } from "../../src/runner/in-process.js";
import { createAzureStorage } from "../../src/storage/azure/index.js";
import type { Storage } from "../../src/storage/types.js";
import { Worker } from "../../src/worker/worker.js";
import { isolatedStorage } from "./storage.js";

const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

export interface TestService {
  api: FastifyInstance;
  /** The environment of the resources, without the outage (a second API on it sees storage whole). */
  env: Record<string, string>;
  storage: Storage;
  config: ServiceConfig;
  /** Starts an in-process worker (stopped after the test). */
  startWorker(): Worker;
}

/**
 * An API (and optional worker) on fresh resources. `outage` replaces connection strings AFTER the
 * resources were created, to point one storage service at a dead endpoint.
 */
export async function testService(
  app: ServiceApp,
  env: Record<string, string> = {},
  outage: Record<string, string> = {},
): Promise<TestService> {
  const created = await isolatedStorage({
    PRAISONAI_SVC_POLL_MIN: "0.05",
    PRAISONAI_SVC_POLL_MAX: "0.2",
    ...env,
  });
  const config = loadConfig({ ...created.env, ...outage });
  const storage = Object.keys(outage).length > 0 ? createAzureStorage(config) : created.storage;
  const api = await buildApi({ app, storage, config });
  cleanups.push(() => api.close());
  return {
    api,
    env: created.env,
    storage,
    config,
    startWorker() {
      const worker = new Worker({
        storage,
        config,
        runner: inProcessRunner(app.definition),
        log: silent,
        callbacks: callbackSender({ config, storage }),
      });
      void worker.run();
      cleanups.push(() => worker.close(1000));
      return worker;
    },
  };
}

/** Polls the job through the API until it is done or error. */
export async function settle(
  api: FastifyInstance,
  jobId: string,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await api.inject({ method: "GET", url: `/jobs/${jobId}` })).json() as Record<
      string,
      unknown
    >;
    if (job.status === "done" || job.status === "error") return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${String(job.status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
