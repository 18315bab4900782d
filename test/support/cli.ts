// Runs the real CLI as a child process for end-to-end tests, and cleans up every process it started.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect } from "vitest";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = path.join(ROOT, "bin", "praisonai-svc.js");

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

const started = new Set<CliProcess>();

afterEach(async () => {
  for (const p of started) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  }
  started.clear();
});

/** `keep`: not stopped after each test (a suite-wide service the caller stops itself); `bin`: another installed CLI. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; bin?: string; keep?: boolean } = {},
): CliProcess {
  const child = spawn(process.execPath, [opts.bin ?? BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  const proc: CliProcess = {
    child,
    pid: child.pid ?? -1,
    output: () => out,
    exited,
    kill: (signal = "SIGTERM") => child.kill(signal),
    waitForOutput(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${out.slice(-3000)}`));
        }, timeoutMs);
        const onExit = () => {
          setTimeout(() => {
            if (!out.match(pattern)) {
              cleanup();
              reject(new Error(`process exited before ${pattern}; output:\n${out.slice(-3000)}`));
            }
          }, 50);
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("exit", onExit);
        };
        listeners.add(check);
        child.once("exit", onExit);
        check();
      });
    },
  };
  if (!opts.keep) started.add(proc);
  return proc;
}

/**
 * Starts `praisonai-svc api` on port 0 and reads the port it bound from its "API listening" line (logged once
 * storage is connected), so no port is freed here for another process to take first. Logs at info at least.
 */
export async function startApiProcess(
  file: string,
  env: Record<string, string>,
  opts: { keep?: boolean } = {},
): Promise<{ proc: CliProcess; url: string }> {
  const level = env.PRAISONAI_SVC_LOG_LEVEL === "debug" || env.PRAISONAI_SVC_LOG_LEVEL === "trace";
  const proc = runCli(["api", file, "--port", "0"], {
    env: {
      HOST: "127.0.0.1",
      ...env,
      PRAISONAI_SVC_LOG_LEVEL: level ? (env.PRAISONAI_SVC_LOG_LEVEL as string) : "info",
    },
    keep: opts.keep,
  });
  try {
    const [, url] = await proc.waitForOutput(
      /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*API listening/,
      60_000,
    );
    await waitForHealth(url as string, proc);
    return { proc, url: url as string };
  } catch (error) {
    // A kept process is not stopped after the test: stop it here.
    if (opts.keep && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
    throw error;
  }
}

export async function waitForHealth(url: string, proc?: CliProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (proc && proc.child.exitCode !== null)
      throw new Error(`process exited:\n${proc.output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`no /health at ${url}:\n${proc?.output().slice(-3000) ?? ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls GET /jobs/{id} until the job is done or error. */
export async function waitForJob(
  url: string,
  jobId: string,
  { timeoutMs = 30_000, headers = {} as Record<string, string> } = {},
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/jobs/${jobId}`, { headers });
    const job = (await res.json()) as Record<string, unknown>;
    if (job.status === "done" || job.status === "error") return job;
    if (Date.now() > deadline)
      throw new Error(`job ${jobId} still ${String(job.status)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ServicePair {
  api: CliProcess;
  worker: CliProcess;
  url: string;
  /** SIGTERM to both, then waits for them to exit. */
  stop(): Promise<void>;
}

/** `api` (on a port of its choosing) and `worker` on the same environment, kept for a whole suite: stop them in afterAll. */
export async function startServicePair(file: string, env: Record<string, string>): Promise<ServicePair> {
  // At info level: "worker polling" says it is ready.
  const worker = runCli(["worker", file], { env: { ...env, PRAISONAI_SVC_LOG_LEVEL: "info" }, keep: true });
  let api: CliProcess | undefined;
  const stop = async () => {
    for (const p of [api, worker]) {
      if (p && p.child.exitCode === null && p.child.signalCode === null) {
        p.kill("SIGTERM");
        await p.exited;
      }
    }
  };
  try {
    const started = await startApiProcess(file, env, { keep: true });
    api = started.proc;
    await worker.waitForOutput(/worker polling/, 60_000);
    return { api, worker, url: started.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** POSTs a JSON payload to /jobs, expects 202 and returns the new job's id. */
export async function postJob(url: string, payload: unknown): Promise<string> {
  const res = await fetch(`${url}/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { job_id: string }).job_id;
}

/** Whether the process is still running (signal 0 tests for it without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
