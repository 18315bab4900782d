// A small cluster for the fault-injection suite: the real `api` and `worker` CLI processes on isolated
// storage, the recording handler fixture, and read-outs of what was committed (table, blobs, logs).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ContainerClient } from "@azure/storage-blob";
import { QueueClient } from "@azure/storage-queue";
import { onTestFinished } from "vitest";
import { loadConfig, type ServiceConfig } from "../../src/config/config.js";
import { createAzureStorage, initStorage } from "../../src/storage/azure/index.js";
import type { JobRecord, JobStatus, Storage } from "../../src/storage/types.js";
import {
  EXEC_LOG_ENV,
  type ExecEvent,
  type ExecRecord,
  executionsOf,
  readExecutions,
} from "../fixtures/handlers/exec-log.js";
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
  // The suite floods the API from one address on purpose.
  PRAISONAI_SVC_RATE_LIMIT: "0",
  PRAISONAI_SVC_READ_RATE_LIMIT: "0",
};

export interface FaultCluster {
  env: Record<string, string>;
  config: ServiceConfig;
  /** Direct storage access for the test's own reads (not through any fault proxy). */
  storage: Storage;
  execLog: string;
  startApi(extraEnv?: Record<string, string>): Promise<string>;
  /** The API process started last. */
  api(): CliProcess;
  /** Starts a worker process and waits until it polls. */
  startWorker(extraEnv?: Record<string, string>): Promise<CliProcess>;
  /** POSTs a payload to the API; `error` holds a network failure instead of a response. */
  post(url: string, payload: unknown): Promise<{ status: number; id?: string; error?: string }>;
  /** POSTs a payload to the API and returns the job id of the 202 response. */
  submit(url: string, payload: unknown): Promise<string>;
  job(id: string): Promise<JobRecord>;
  waitForStatus(id: string, statuses: JobStatus[], timeoutMs?: number): Promise<JobRecord>;
  /** Waits until every job in `ids` is done or error; on timeout says how many are in which state. */
  waitForTerminal(ids: string[], timeoutMs: number): Promise<JobRecord[]>;
  /** Names of the result blobs under the job (the payload blob excluded). */
  resultBlobs(id: string): Promise<string[]>;
  /** Ids of every job row in the table, whatever its status, sorted. */
  jobIds(): Promise<string[]>;
  executions(id: string, event?: ExecEvent): ReturnType<typeof executionsOf>;
  allExecutions(): ReturnType<typeof readExecutions>;
  poisonRecords(): Promise<Record<string, unknown>[]>;
  /** Waits until the job queue is empty: a finished delivery deletes its message last. */
  waitForQueueEmpty(timeoutMs?: number): Promise<void>;
}

/**
 * Isolated resources on the shared Azurite (or on `connectionString`), with FAST_TIMINGS and `overrides`.
 * `directConnectionString` is where the test itself reads, when the processes go through a proxy.
 */
export async function faultCluster(
  overrides: Record<string, string> = {},
  directConnectionString?: string,
): Promise<FaultCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), "praisonai-fault-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const execLog = path.join(dir, "executions.jsonl");
  const env = isolatedEnv({ ...FAST_TIMINGS, [EXEC_LOG_ENV]: execLog, ...overrides });
  const direct = directConnectionString ?? (env.AZURE_STORAGE_CONNECTION_STRING as string);
  const config = loadConfig({ ...env, AZURE_STORAGE_CONNECTION_STRING: direct });
  const storage = createAzureStorage(config);
  await initStorage(storage);
  const container = new ContainerClient(direct, config.container);
  const poison = new QueueClient(direct, config.poisonQueue);
  let api: CliProcess | undefined;

  async function post(url: string, payload: unknown) {
    try {
      const res = await fetch(`${url}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
      const body = (await res.json()) as { job_id?: string };
      return { status: res.status, id: body.job_id, error: res.ok ? undefined : JSON.stringify(body) };
    } catch (error) {
      return { status: 0, error: String(error) };
    }
  }

  return {
    env,
    config,
    storage,
    execLog,
    async startApi(extraEnv = {}) {
      const { proc, url } = await startApiProcess(RECORDING_HANDLERS, { ...env, ...extraEnv });
      api = proc;
      return url;
    },
    api() {
      if (!api) throw new Error("no API process started");
      return api;
    },
    async startWorker(extraEnv = {}) {
      const proc = runCli(["worker", RECORDING_HANDLERS], { env: { ...env, ...extraEnv } });
      await proc.waitForOutput(/"msg":"worker polling"/, 30_000);
      return proc;
    },
    post,
    async submit(url, payload) {
      const res = await post(url, payload);
      if (res.status !== 202 || !res.id) throw new Error(`POST /jobs gave ${res.status}: ${res.error}`);
      return res.id;
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
    async waitForTerminal(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rows = await Promise.all(ids.map((id) => storage.jobs.get(id)));
        const terminal = rows.filter((j): j is JobRecord => j?.status === "done" || j?.status === "error");
        if (terminal.length === ids.length) return terminal;
        if (Date.now() > deadline) {
          const states = rows
            .map((j) => j?.status ?? "missing")
            .filter((st) => st !== "done" && st !== "error");
          throw new Error(
            `after ${timeoutMs} ms, ${states.length} of ${ids.length} jobs not finished: ${states}`,
          );
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async jobIds() {
      const statuses: JobStatus[] = ["queued", "processing", "done", "error"];
      const rows = await Promise.all(statuses.map((st) => storage.jobs.listByStatus(st, 10_000)));
      return rows
        .flat()
        .map((j) => j.id)
        .sort();
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
    async waitForQueueEmpty(timeoutMs = 20_000) {
      await waitUntil(
        async () => ((await storage.queue.count()) === 0 ? true : undefined),
        timeoutMs,
        "the job queue to be empty",
      );
    },
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

/**
 * The most executions one process had running at the same moment (a start counts until that execution's
 * finish, abort or late finish; so only for runs whose executions all end, not `throw` modes): 1 for a worker
 * that runs one job at a time, up to its concurrency otherwise.
 */
export function peakConcurrency(records: ExecRecord[], pid: number): number {
  const ends = new Set<ExecEvent>(["finish", "aborted", "late-finish"]);
  const edges = records
    .filter((r) => r.pid === pid)
    .map((r) => ({ t: r.t, d: r.event === "start" ? 1 : ends.has(r.event) ? -1 : 0 }))
    // An end and a start in the same millisecond: the end first, so back-to-back jobs do not count as overlap.
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let running = 0;
  let peak = 0;
  for (const e of edges) {
    running += e.d;
    peak = Math.max(peak, running);
  }
  return peak;
}

/** Job ids of the "job done" lines (one per commit) the workers logged. */
export function committedJobIds(workers: CliProcess[]): string[] {
  return workers.flatMap((w) => logLines(w, "job done").map((l) => String(l.jobId)));
}

/** Waits until the workers logged a commit of every job in `ids` (a log line may trail the table write). */
export async function waitForCommitLogs(workers: CliProcess[], ids: string[], timeoutMs = 15_000) {
  await waitUntil(
    () => {
      const done = new Set(committedJobIds(workers));
      return ids.every((id) => done.has(id)) ? true : undefined;
    },
    timeoutMs,
    `a "job done" line for each of ${ids.length} jobs`,
  );
  return committedJobIds(workers);
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
