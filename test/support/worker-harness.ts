// One delivery at a time, in-process, against Azurite (optionally through the fault proxy), for worker tests
// that need to hit one exact storage call. The handler is a plain function; logs are kept in memory.
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import type { JobHandler } from "../../src/app/handler.js";
import { loadConfig, type ServiceConfig } from "../../src/config/config.js";
import { encodeMessage } from "../../src/jobs/message.js";
import { inProcessRunner } from "../../src/runner/in-process.js";
import { createAzureStorage, initStorage } from "../../src/storage/azure/index.js";
import type { QueueMessage, Storage } from "../../src/storage/types.js";
import { type ExecutionDeps, executeMessage, type Outcome } from "../../src/worker/execute.js";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { isolatedEnv } from "./storage.js";

export type LogEntry = Record<string, unknown> & { level: string; msg: string };

export interface WorkerHarness {
  config: ServiceConfig;
  /** Storage as the worker sees it (through the proxy when there is one). */
  storage: Storage;
  /** Storage for the test's own reads and writes, straight to Azurite. */
  direct: Storage;
  proxy?: FaultProxy;
  logs: LogEntry[];
  /** Writes a queued job row and its message, as the API does. */
  addJob(payload: unknown): Promise<string>;
  /** Receives the next message (waiting up to 10 s for one to become visible). */
  receive(): Promise<QueueMessage>;
  /** Runs one delivery of `msg` as the worker would. */
  execute(msg: QueueMessage, shutdown?: AbortSignal): Promise<Outcome>;
  close(): Promise<void>;
}

export async function workerHarness(
  handler: JobHandler<unknown>,
  {
    env = {},
    proxied = false,
    wrap = (s) => s,
  }: {
    env?: Record<string, string>;
    proxied?: boolean;
    /** Decorates the worker's storage, e.g. to fail chosen calls of the real driver. */
    wrap?: (storage: Storage) => Storage;
  } = {},
): Promise<WorkerHarness> {
  const base = isolatedEnv({ PRAISONAI_SVC_VISIBILITY_TIMEOUT: "5", ...env });
  const directConfig = loadConfig(base);
  const direct = createAzureStorage(directConfig);
  await initStorage(direct);
  const proxy = proxied ? await startFaultProxy({ upstream: inject("azurite").ports }) : undefined;
  const config = loadConfig(
    proxy ? { ...base, AZURE_STORAGE_CONNECTION_STRING: proxy.connectionString } : base,
  );
  const storage = wrap(proxy ? createAzureStorage(config) : direct);
  const logs: LogEntry[] = [];
  const runner = inProcessRunner({ handler });

  return {
    config,
    storage,
    direct,
    proxy,
    logs,
    async addJob(payload) {
      const id = randomUUID();
      await direct.jobs.create(
        {
          id,
          status: "queued",
          createdUtc: new Date(),
          retryCount: 0,
          attempt: 0,
          releases: 0,
          jobHash: randomUUID(),
          owner: "",
          payload: JSON.stringify(payload),
        },
        [],
      );
      await direct.queue.send(encodeMessage(id));
      return id;
    },
    async receive() {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [msg] = await direct.queue.receive(1, config.visibilityTimeoutMs);
        if (msg) return msg;
        if (Date.now() > deadline) throw new Error("no message became visible within 10 s");
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    execute(msg, shutdown = new AbortController().signal) {
      const deps: ExecutionDeps = { storage, config, runner, log: memoryLogger(logs), shutdown };
      return executeMessage(deps, msg);
    },
    async close() {
      await proxy?.close();
    },
  };
}

function memoryLogger(entries: LogEntry[], bindings: Record<string, unknown> = {}): ExecutionDeps["log"] {
  const write = (level: string) => (obj: object | string, msg?: string) => {
    const fields = typeof obj === "string" ? { msg: obj } : { ...obj, msg: msg ?? "" };
    entries.push({ level, ...bindings, ...fields } as LogEntry);
  };
  return {
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    debug: write("debug"),
    child: (more: object) => memoryLogger(entries, { ...bindings, ...more }),
  };
}
