// Builds the Azure drivers for every storage concern from the configuration.
import { requireConnections, type ServiceConfig } from "../../config/config.js";
import type { Storage } from "../types.js";
import { createAzureBlobStore } from "./blob-store.js";
import { translateOutages } from "./errors.js";
import { createStorageQueue } from "./storage-queue.js";
import { createTableJobStore } from "./table-job-store.js";

export function createAzureStorage(config: ServiceConfig): Storage {
  const { table, queue, blob } = requireConnections(config.connections);
  return {
    jobs: translateOutages(createTableJobStore({ connectionString: table, tableName: config.table })),
    queue: translateOutages(createStorageQueue({ connectionString: queue, queueName: config.queue })),
    poison: translateOutages(createStorageQueue({ connectionString: queue, queueName: config.poisonQueue })),
    blobs: translateOutages(
      createAzureBlobStore({ connectionString: blob, containerName: config.container }),
    ),
  };
}

/** Creates every table, queue and container that is missing. */
export async function initStorage(storage: Storage): Promise<void> {
  await Promise.all([storage.jobs.init(), storage.queue.init(), storage.poison.init(), storage.blobs.init()]);
}
