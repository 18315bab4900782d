// Storage for the benchmark: fresh resource names per measurement on the one Azurite, our drivers, and the
// raw SDK clients the baselines call directly.
import { randomBytes } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { type QueueClient, QueueServiceClient } from "@azure/storage-queue";
import { loadConfig } from "../../src/config/config.js";
import { submitJob } from "../../src/jobs/submit.js";
import { createAzureStorage, initStorage } from "../../src/storage/azure/index.js";
import {
  STORAGE_RETRY,
  TABLE_RETRY,
  TRY_TIMEOUT_MS,
  timedHttpClient,
} from "../../src/storage/azure/retry.js";
import type { JobRecord, Storage } from "../../src/storage/types.js";

/** Table, queue and container names no other measurement uses. */
export interface Namespace {
  table: string;
  queue: string;
  poison: string;
  container: string;
}

export function namespace(): Namespace {
  const id = randomBytes(4).toString("hex");
  return { table: `b${id}`, queue: `b-${id}`, poison: `b-${id}-poison`, container: `b-${id}` };
}

/** Environment for a `praisonai-svc` process on this namespace. */
export function serviceEnv(
  conn: string,
  ns: Namespace,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AZURE_STORAGE_CONNECTION_STRING: conn,
    PRAISONAI_SVC_TABLE: ns.table,
    PRAISONAI_SVC_QUEUE: ns.queue,
    PRAISONAI_SVC_POISON_QUEUE: ns.poison,
    PRAISONAI_SVC_CONTAINER: ns.container,
    // Rate limits off: the load generator is one client, and the baselines make no counter calls either
    // (the submission counter's own cost is measured separately, see api.ts).
    PRAISONAI_SVC_RATE_LIMIT: "0",
    PRAISONAI_SVC_READ_RATE_LIMIT: "0",
    ...extra,
  };
}

/** Our storage drivers on a namespace, with every resource created. */
export async function ourStorage(conn: string, ns: Namespace): Promise<Storage> {
  const storage = createAzureStorage(loadConfig(serviceEnv(conn, ns)));
  await initStorage(storage);
  return storage;
}

export interface RawClients {
  table: TableClient;
  queue: QueueClient;
  container: ContainerClient;
}

/**
 * The SDK clients themselves, as a hand-written service would hold them (created once, reused), with the
 * same retry policies as our drivers, so a transient fault costs both sides of a ratio the same.
 */
export async function rawClients(conn: string, ns: Namespace): Promise<RawClients> {
  const table = TableClient.fromConnectionString(conn, ns.table, {
    allowInsecureConnection: true,
    retryOptions: TABLE_RETRY,
    httpClient: timedHttpClient(TRY_TIMEOUT_MS),
  });
  const queue = QueueServiceClient.fromConnectionString(conn, {
    retryOptions: { ...STORAGE_RETRY, tryTimeoutInMs: TRY_TIMEOUT_MS },
  }).getQueueClient(ns.queue);
  const container = BlobServiceClient.fromConnectionString(conn, {
    retryOptions: STORAGE_RETRY,
  }).getContainerClient(ns.container);
  await Promise.all([table.createTable(), queue.createIfNotExists(), container.createIfNotExists()]);
  return { table, queue, container };
}

const DEFAULTS = loadConfig({});

/** Submits a job the way POST /jobs does (dedupe keys, row, message), from this process. */
export async function submit(storage: Storage, payload: unknown): Promise<JobRecord> {
  return (await submitJob(storage, { payload, owner: "" }, DEFAULTS.requeueAfterMs)).job;
}
