// Builds the Azure drivers for every storage concern from the configuration.
import type { ServiceConfig } from "../../config/config.js";
import { ConfigError } from "../../errors.js";
import type { Storage } from "../types.js";
import { createAzureBlobStore } from "./blob-store.js";
import { createStorageQueue } from "./storage-queue.js";
import { createTableJobStore } from "./table-job-store.js";

export function createAzureStorage(config: ServiceConfig): Storage {
  const { table, queue, blob } = config.connections;
  if (!table || !queue || !blob) {
    throw new ConfigError(
      "No storage connection: set AZURE_STORAGE_CONNECTION_STRING (or use `praisonai-svc run`, which starts local storage).",
    );
  }
  return {
    jobs: createTableJobStore({ connectionString: table, tableName: config.table }),
    queue: createStorageQueue({ connectionString: queue, queueName: config.queue }),
    poison: createStorageQueue({ connectionString: queue, queueName: config.poisonQueue }),
    blobs: createAzureBlobStore({ connectionString: blob, containerName: config.container }),
  };
}

/** Creates every table, queue and container that is missing. */
export async function initStorage(storage: Storage): Promise<void> {
  await Promise.all([storage.jobs.init(), storage.queue.init(), storage.poison.init(), storage.blobs.init()]);
}
