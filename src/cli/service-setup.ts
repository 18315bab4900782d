// What every role needs before it starts: configuration, the handlers file, storage (created if missing).
import path from "node:path";
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
  const file = resolveHandlerFile(opts.file);
  const log = createLogger(config, opts.role);
  const { app, createRunner } = await loadService(file, {
    config,
    env,
    log,
    runsJobs: opts.role === "worker",
  });
  const version = serviceVersion(app, file);
  // Started by the role: the API once it listens, the worker before it polls.
  const telemetry = createTelemetry(config, { service: app.name, version, role: opts.role }, log);
  return {
    app,
    createRunner,
    config,
    env,
    file,
    projectDir: path.dirname(file),
    log,
    version,
    telemetry,
  };
}

/** The one place storage is assembled: the Azure drivers (Azurite locally), with every table, queue and container created. */
export async function connectStorage(config: ServiceConfig, log: Logger): Promise<Storage> {
  requireConnections(config.connections); // before loading the SDKs, which are most of the CLI's start-up time
  const { createAzureStorage, initStorage } = await import("../storage/azure/index.js");
  const storage = createAzureStorage(config, {
    onBackgroundError: (error) =>
      log.warn(
        { event: "rate_limit_sweep_failed", error: (error as Error)?.message },
        "rate-limit clean-up failed",
      ),
  });
  try {
    await initStorage(storage);
  } catch (error) {
    const reason = error instanceof StorageUnavailableError ? error.cause : error;
    throw new CliError(
      `Could not reach Azure Storage to create the table, queues and container (${(reason as Error)?.message}): check AZURE_STORAGE_CONNECTION_STRING and that the account is reachable.`,
    );
  }
  if (!telemetryConfigured(config)) return storage;
  // Storage calls made inside a request or a job become child spans of it.
  const { traceStorage } = await import("../telemetry/storage-spans.js");
  return traceStorage(storage);
}
