// What every role needs before it starts: configuration, the handlers file, storage (created if missing).
import path from "node:path";
import type { Logger } from "pino";
import type { ServiceApp } from "../app/service-app.js";
import { hasConnections, loadConfig, type ServiceConfig } from "../config/config.js";
import type { Storage } from "../storage/types.js";
import { CliError } from "./errors.js";
import { loadApp, resolveHandlerFile, serviceVersion } from "./load-app.js";
import { createLogger } from "./log.js";

export interface SetupOptions {
  file?: string;
  port?: string;
  role: string;
  env?: Record<string, string | undefined>;
}

export interface ServiceSetup {
  app: ServiceApp;
  config: ServiceConfig;
  file: string;
  projectDir: string;
  log: Logger;
  /** The ServiceApp's version, else the one in the service's package.json. */
  version: string;
}

export async function setupService(opts: SetupOptions): Promise<ServiceSetup> {
  const env = { ...(opts.env ?? process.env) };
  if (opts.port !== undefined) env.PORT = opts.port;
  const config = loadConfig(env);
  const file = resolveHandlerFile(opts.file);
  const app = await loadApp(file);
  return {
    app,
    config,
    file,
    projectDir: path.dirname(file),
    log: createLogger(config, opts.role),
    version: serviceVersion(app, file),
  };
}

export async function connectStorage(config: ServiceConfig): Promise<Storage> {
  if (!hasConnections(config.connections)) {
    throw new CliError(
      "No storage connection: set AZURE_STORAGE_CONNECTION_STRING, or use `praisonai-svc run`, which starts local storage.",
    );
  }
  // Loaded on demand: the Azure SDKs are most of the CLI's start-up time.
  const { createAzureStorage, initStorage } = await import("../storage/azure/index.js");
  const storage = createAzureStorage(config);
  try {
    await initStorage(storage);
  } catch (error) {
    throw new CliError(
      `Could not reach Azure Storage to create the table, queues and container: ${(error as Error).message}`,
    );
  }
  return storage;
}
