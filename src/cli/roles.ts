// The two roles a process can play, API and worker, each started from a loaded ServiceApp and its storage.
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { viewJob } from "../api/job-link.js";
import { buildApi } from "../api/server.js";
import type { ServiceApp } from "../app/service-app.js";
import type { ServiceConfig } from "../config/config.js";
import type { HandlerRunner } from "../runner/types.js";
import { allowedCallbackHost } from "../security/callback-policy.js";
import type { Storage } from "../storage/types.js";
import { observeDepth } from "../telemetry/depth.js";
import type { Telemetry } from "../telemetry/start.js";
import { CallbackSender } from "../worker/callbacks.js";
import { Worker } from "../worker/worker.js";

export interface RoleDeps {
  app: ServiceApp;
  config: ServiceConfig;
  storage: Storage;
  log: Logger;
  /** The service's version for /health and the docs. @default app.version */
  version?: string;
  /** On: request spans and HTTP metrics in the API, depth gauges in the worker. */
  telemetry?: Telemetry;
}

export interface WorkerDeps extends RoleDeps {
  createRunner(): HandlerRunner;
}

export async function startApi(deps: RoleDeps): Promise<{ api: FastifyInstance; url: string }> {
  const api = await buildApi({ ...deps, log: deps.log, tracing: deps.telemetry?.enabled });
  const url = await api.listen({ port: deps.config.port, host: deps.config.host });
  // After listening: the first request of a cold start does not wait for the telemetry SDK to load.
  void deps.telemetry?.start();
  return { api, url: url.replace("0.0.0.0", "127.0.0.1") };
}

/** Starts telemetry (when configured) before the first job, so every job is traced and counted. */
export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  await deps.telemetry?.start();
  const worker = new Worker({
    storage: deps.storage,
    config: deps.config,
    runner: deps.createRunner(),
    log: deps.log,
    callbacks: callbackSender(deps),
  });
  // Depth is sampled where the queue is worked: a scaled-to-zero service samples (and pays) nothing.
  if (deps.telemetry?.enabled) observeDepth(deps.storage, worker, deps.config.depthIntervalMs);
  void worker.run();
  deps.log.info({ concurrency: deps.config.concurrency }, "worker polling");
  return worker;
}

/** The worker's callback sender, or undefined when no signing secret is configured. */
export function callbackSender({
  config,
  storage,
}: Pick<RoleDeps, "config" | "storage">): CallbackSender | undefined {
  if (!config.callbackSecret) return undefined;
  return new CallbackSender({
    queue: storage.queue,
    secret: config.callbackSecret.reveal(),
    allowed: (url) => allowedCallbackHost(url, config.callbackHosts),
    render: (job) => viewJob(storage, config, job),
    retryForMs: config.callbackRetryForMs,
    backoffMs: config.callbackBackoffMs,
  });
}
