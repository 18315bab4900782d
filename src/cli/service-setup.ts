// What every role needs before it starts: configuration, the handlers file, storage (created if missing).
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { ServiceApp } from "../app/service-app.js";
import { loadConfig, requireConnections, type ServiceConfig } from "../config/config.js";
import { StorageUnavailableError } from "../errors.js";
import type { Storage } from "../storage/types.js";
import { createTelemetry, type Telemetry, telemetryConfigured } from "../telemetry/start.js";
import { CliError } from "./errors.js";
import { type LoadedService, loadService, resolveHandlerFile, serviceVersion } from "./load-app.js";
import { createLogger } from "./log.js";

export interface SetupOptions {
  file?: string;
  port?: string;
  role: string;
  env?: Record<string, string | undefined>;
}

export interface ServiceSetup {
  app: ServiceApp;
  /** Runs the handler: in-process for TypeScript/JavaScript, a pool of Python processes for handlers.py. */
  createRunner: LoadedService["createRunner"];
  config: ServiceConfig;
  /** The environment the configuration was read from (with --port applied). */
  env: Record<string, string | undefined>;
  file: string;
  /** The folder of the handlers file the code comes from (for a compiled dist/handlers.mjs, the project's). */
  projectDir: string;
  log: Logger;
  /** The ServiceApp's version, else the one in the service's package.json. */
  version: string;
  /** Traces and metrics (off unless an exporter is configured): `start` it, and shut it down after the role stops. */
  telemetry: Telemetry;
}

export async function setupService(opts: SetupOptions): Promise<ServiceSetup> {
  const env = { ...(opts.env ?? process.env) };
  if (opts.port !== undefined) env.PORT = opts.port;
  const config = loadConfig(env);
  const file = resolveHandlerFile(opts.file, { configured: config.handlers });
  const log = createLogger(config, opts.role);
  const { app, createRunner, source } = await loadService(file, {
    config,
    env,
    log,
    runsJobs: opts.role === "worker",
  });
  const version = serviceVersion(app, source);
  // Started by the role: the API once it listens, the worker before it polls.
  const telemetry = createTelemetry(config, { service: app.name, version, role: opts.role }, log);
  return {
    app,
    createRunner,
    config,
    env,
    file,
    projectDir: path.dirname(source),
    log,
    version,
    telemetry,
  };
}

/** How connectStorage treats an unreachable account at start. */
export interface ConnectOptions {
  /**
   * Keep trying with backoff (1 s doubling to 30 s, each attempt logged) until this signal aborts, instead
   * of failing at once: a worker replica started during a storage blip recovers by itself.
   */
  retryUntil?: AbortSignal;
}

/** The one place storage is assembled: the Azure drivers (Azurite locally), with every table, queue and container created. */
export async function connectStorage(
  config: ServiceConfig,
  log: Logger,
  { retryUntil }: ConnectOptions = {},
): Promise<Storage> {
  requireConnections(config.connections); // before loading the SDKs, which are most of the CLI's start-up time
  const { createAzureStorage, initStorage } = await import("../storage/azure/index.js");
  const storage = createAzureStorage(config, {
    onBackgroundError: (error) =>
      log.warn(
        { event: "rate_limit_sweep_failed", error: (error as Error)?.message },
        "rate-limit clean-up failed",
      ),
  });
  await initWithRetry(storage, initStorage, log, retryUntil);
  if (!telemetryConfigured(config)) return storage;
  // Storage calls made inside a request or a job become child spans of it.
  const { traceStorage } = await import("../telemetry/storage-spans.js");
  return traceStorage(storage);
}

async function initWithRetry(
  storage: Storage,
  initStorage: (storage: Storage) => Promise<void>,
  log: Logger,
  retryUntil: AbortSignal | undefined,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await initStorage(storage);
      if (attempt > 1) log.info({ event: "storage_reachable", attempt }, "storage reachable");
      return;
    } catch (error) {
      const outage = error instanceof StorageUnavailableError;
      const reason = ((outage ? error.cause : error) as Error)?.message;
      if (!retryUntil || !outage) {
        throw new CliError(
          `Could not reach Azure Storage to create the table, queues and container (${reason}): check AZURE_STORAGE_CONNECTION_STRING and that the account is reachable.`,
        );
      }
      const waitS = Math.min(30, 2 ** (attempt - 1));
      log.warn(
        { event: "storage_unreachable", attempt, retry_in_s: waitS, error: reason },
        `storage unreachable at start; retrying in ${waitS} s`,
      );
      await sleep(waitS * 1000, undefined, { signal: retryUntil });
    }
  }
}
