// A small cluster for the fault-injection suite: the real `api` and `worker` CLI processes on isolated
// storage, the recording handler fixture, and read-outs of what was committed (table, blobs, logs).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ContainerClient } from "@azure/storage-blob";
import { QueueClient } from "@azure/storage-queue";
import { loadConfig, type ServiceConfig } from "../../src/config/config.js";
import { createAzureStorage, initStorage } from "../../src/storage/azure/index.js";
import type { JobRecord, JobStatus, Storage } from "../../src/storage/types.js";
import { EXEC_LOG_ENV, type ExecEvent, executionsOf, readExecutions } from "../fixtures/handlers/exec-log.js";
import { type CliProcess, ROOT, runCli, startApiProcess } from "./cli.js";
import { isolatedEnv } from "./storage.js";

export const RECORDING_HANDLERS = path.join(ROOT, "test", "fixtures", "handlers", "recording.ts");

/** Short timings so faults play out in seconds; every scenario may override them. */
export const FAST_TIMINGS: Record<string, string> = {
  PRAISONAI_SVC_VISIBILITY_TIMEOUT: "2",
  PRAISONAI_SVC_POLL_MIN: "0.05",
  PRAISONAI_SVC_POLL_MAX: "0.5",
  PRAISONAI_SVC_RETRY_BACKOFF: "0.2",
  PRAISONAI_SVC_LOG_LEVEL: "info",
};

export interface FaultCluster {
  env: Record<string, string>;
  config: ServiceConfig;
  /** Direct storage access for the test's own reads (not through any fault proxy). */
  storage: Storage;
  execLog: string;
  startApi(extraEnv?: Record<string, string>): Promise<string>;
  /** Starts a worker process and waits until it polls. */
  startWorker(extraEnv?: Record<string, string>): Promise<CliProcess>;
  /** POSTs a payload to the API and returns the job id of the 202 response. */
  submit(url: string, payload: unknown): Promise<string>;
  job(id: string): Promise<JobRecord>;
  waitForStatus(id: string, statuses: JobStatus[], timeoutMs?: number): Promise<JobRecord>;
  /** Names of the result blobs under the job (the payload blob excluded). */
  resultBlobs(id: string): Promise<string[]>;
  executions(id: string, event?: ExecEvent): ReturnType<typeof executionsOf>;
  allExecutions(): ReturnType<typeof readExecutions>;
  poisonRecords(): Promise<Record<string, unknown>[]>;
}

/**
 * Isolated resources on the shared Azurite (or on `connectionString`), with FAST_TIMINGS and `overrides`.
 * `directConnectionString` is where the test itself reads, when the processes go through a proxy.
 */
export async function faultCluster(
  overrides: Record<string, string> = {},
  directConnectionString?: string,
): Promise<FaultCluster> {
  const execLog = path.join(mkdtempSync(path.join(tmpdir(), "praisonai-fault-")), "executions.jsonl");
  const env = isolatedEnv({ ...FAST_TIMINGS, [EXEC_LOG_ENV]: execLog, ...overrides });
  const direct = directConnectionString ?? (env.AZURE_STORAGE_CONNECTION_STRING as string);
  const config = loadConfig({ ...env, AZURE_STORAGE_CONNECTION_STRING: direct });
  const storage = createAzureStorage(config);
  await initStorage(storage);
  const container = new ContainerClient(direct, config.container);
  const poison = new QueueClient(direct, config.poisonQueue);

  return {
    env,
    config,
    storage,
    execLog,
    async startApi(extraEnv = {}) {
      const { url } = await startApiProcess(RECORDING_HANDLERS, { ...env, ...extraEnv });
      return url;
    },
    async startWorker(extraEnv = {}) {
      const proc = runCli(["worker", RECORDING_HANDLERS], { env: { ...env, ...extraEnv } });
      await proc.waitForOutput(/"msg":"worker polling"/, 30_000);
      return proc;
    },
    async submit(url, payload) {
      const res = await fetch(`${url}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
      const body = (await res.json()) as { job_id?: string };
      if (res.status !== 202 || !body.job_id)
        throw new Error(`POST /jobs gave ${res.status}: ${JSON.stringify(body)}`);
      return body.job_id;
    },
    async job(id) {
      const job = await storage.jobs.get(id);
      if (!job) throw new Error(`no job ${id}`);
      return job;
    },
    async waitForStatus(id, statuses, timeoutMs = 30_000) {
      return waitUntil(
        async () => {
          const job = await storage.jobs.get(id);
          return job && statuses.includes(job.status) ? job : undefined;
        },
        timeoutMs,
        `job ${id} to be ${statuses.join(" or ")}`,
      );
    },
    async resultBlobs(id) {
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix: `${id}/` })) {
        if (!blob.name.endsWith("/payload.json")) names.push(blob.name);
      }
      return names;
    },
    executions: (id, event) => executionsOf(execLog, id, event),
    allExecutions: () => readExecutions(execLog),
    async poisonRecords() {
      const res = await poison.peekMessages({ numberOfMessages: 32 });
      return res.peekedMessageItems.map((m) => JSON.parse(m.messageText) as Record<string, unknown>);
    },
  };
}

/** Polls `probe` every 100 ms until it returns a value; fails after `timeoutMs`, saying what it waited for. */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The structured log lines (pino JSON) a process wrote, optionally only those with this `msg`. */
export function logLines(proc: CliProcess, msg?: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of proc.output().split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (msg === undefined || entry.msg === msg) out.push(entry);
    } catch {
      // a partial line still being written
    }
  }
  return out;
}
