// Builds the Azure drivers for every storage concern from the configuration; each reports outages as
// StorageUnavailableError.
import { requireConnections, type ServiceConfig } from "../../config/config.js";
import type { Storage } from "../types.js";
import { createAzureBlobStore } from "./blob-store.js";
import { translateOutages } from "./errors.js";
import { createStorageQueue } from "./storage-queue.js";
import { createTableJobStore } from "./table-job-store.js";
import { createTableRateCounter } from "./table-rate-counter.js";

export interface AzureStorageOptions {
  /** Errors of background work (the rate counter's clean-up); they never reach a request. */
  onBackgroundError?: (error: unknown) => void;
}

export function createAzureStorage(config: ServiceConfig, opts: AzureStorageOptions = {}): Storage {
  const { table, queue, blob } = requireConnections(config.connections);
  return {
    jobs: translateOutages(createTableJobStore({ connectionString: table, tableName: config.table })),
    queue: translateOutages(createStorageQueue({ connectionString: queue, queueName: config.queue })),
    poison: translateOutages(createStorageQueue({ connectionString: queue, queueName: config.poisonQueue })),
    blobs: translateOutages(
      createAzureBlobStore({ connectionString: blob, containerName: config.container }),
    ),
    // Its own table (never the jobs table): counter rows cannot collide with jobs, and clean-up never scans jobs.
    rateCounter: translateOutages(
      createTableRateCounter({
        connectionString: table,
        tableName: config.rateTable,
        onSweepError: opts.onBackgroundError,
      }),
    ),
  };
}

/** Creates every table, queue and container that is missing (the rate counter creates its table on first use). */
export async function initStorage(storage: Storage): Promise<void> {
  await Promise.all([storage.jobs.init(), storage.queue.init(), storage.poison.init(), storage.blobs.init()]);
}
