// Every process the benchmark starts goes through here, so each one is stopped by its pid at the end,
// also when a measurement fails or the run is interrupted.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { request } from "./http.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = path.join(ROOT, "bench", "fixtures");
export const BIN = path.join(ROOT, "bin", "praisonai-svc.js");

export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last few KB of output, for error messages. */
  tail(): string;
  exited: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Called with each line of stdout and stderr; without it output is only kept as a short tail. */
  onLine?: (line: string) => void;
  /**
   * Send stdout to /dev/null (stderr is still read): for processes whose logs are not needed, so this
   * process does not spend its CPU reading a server's request logs while it generates the load.
   */
  quiet?: boolean;
}

const running = new Set<Proc>();
/** Set once the run is being torn down: a measurement still going must not start new processes then. */
let closing = false;

export function startProcess(name: string, command: string, args: string[], opts: SpawnOptions = {}): Proc {
  if (closing) throw new Error(`not starting ${name}: the benchmark is stopping`);
  const child = spawn(command, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", opts.quiet ? "ignore" : "pipe", "pipe"],
  });
  let tail = "";
  const logFile = processLog(name, child.pid);
  const onLine = (line: string) => {
    tail = `${tail}${line}\n`.slice(-4000);
    if (logFile) appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
    opts.onLine?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", onLine);
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const proc: Proc = {
    name,
    pid: child.pid ?? -1,
    child,
    tail: () => tail,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(proc);
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/**
 * With BENCH_LOG_DIR set, every line a process prints (with the time it was read) goes to a file of its own
 * there, `<name>-<pid>.log`: to find out afterwards what a worker did while a job waited.
 */
function processLog(name: string, pid: number | undefined): string | undefined {
  const dir = process.env.BENCH_LOG_DIR;
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name.replace(/[^\w.-]+/g, "_")}-${pid ?? "x"}.log`);
}

/** Stops every process still running (in parallel; each by its own pid). */
export async function stopAll(): Promise<void> {
  closing = true;
  await Promise.all([...running].map((p) => p.stop(3000)));
}

/** Starts `praisonai-svc <role>` (the real CLI) with the no-op handlers file. */
export function startService(
  role: "api" | "worker",
  env: Record<string, string>,
  opts: {
    port?: number;
    onLine?: (line: string) => void;
    name?: string;
    quiet?: boolean;
    /** The handlers file. @default bench/fixtures/noop-handlers.ts */
    file?: string;
  } = {},
): Proc {
  const args = [BIN, role, opts.file ?? path.join(FIXTURES, "noop-handlers.ts")];
  if (opts.port !== undefined) args.push("--port", String(opts.port));
  return startProcess(opts.name ?? `praisonai-svc ${role}`, process.execPath, args, {
    env: { HOST: "127.0.0.1", ...env },
    onLine: opts.onLine,
    quiet: opts.quiet,
  });
}

/** Resident memory of a process in MiB (VmRSS), or NaN when it is gone. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system) a process has used so far, in ms; NaN when it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces); utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: 100 on Linux x86-64 and arm64. */
const CLOCK_TICKS_PER_S = 100;

/** Polls GET {url}/health until it answers 200; returns the time of that answer (performance.now()). */
export async function waitForHealth(url: string, proc: Proc, timeoutMs = 30_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const res = await request(undefined, "GET", `${url}/health`, undefined, {}, 1000);
      if (res.status === 200) return performance.now();
    } catch {
      // not listening yet
    }
    if (proc.child.exitCode !== null)
      throw new Error(`${proc.name} exited before /health answered:\n${proc.tail()}`);
    if (performance.now() > deadline)
      throw new Error(`${proc.name}: no /health within ${timeoutMs} ms:\n${proc.tail()}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` is true, checking every 20 ms; throws `what` after `timeoutMs`. */
export async function waitUntil(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await sleep(20);
  }
}

/**
 * Starts `count` copies of a fixture worker script that print "ready" once connected and "done …" per
 * job; `onDone(w)` is called with the index of the worker that finished one. Resolves when all are ready.
 */
export async function startFixtureWorkers(
  name: string,
  script: string,
  count: number,
  env: Record<string, string>,
  onDone: (worker: number) => void,
): Promise<Proc[]> {
  const procs = Array.from({ length: count }, (_, w) =>
    startProcess(name, process.execPath, [path.join(FIXTURES, script)], {
      env,
      onLine(line) {
        if (line.startsWith("done ")) onDone(w);
      },
    }),
  );
  await waitUntil(
    () => procs.every((p) => p.tail().includes("ready")),
    30_000,
    () => procs.map((p) => p.tail()).join("\n"),
  );
  return procs;
}
