// The Python runner tried from outside: a handlers.py (test/fixtures/python/hostile.py) that forks, closes its
// output, writes raw bytes on the protocol channel, floods texts, returns junk, prints end markers, floods
// progress or exits while imported. Each time the service must keep serving and say what happened.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isNonRetriable } from "../src/errors.js";
import { PythonCrashError, PythonStartError } from "../src/runner/python/errors.js";
import { pythonEnv } from "../src/runner/python/interpreter.js";
import { lineSplitter } from "../src/runner/python/output.js";
import { type PythonPool, pythonRunner } from "../src/runner/python/pool.js";
import { PythonProcess } from "../src/runner/python/process.js";
import { ROOT } from "./support/cli.js";
import { waitUntil } from "./support/fault-cluster.js";
import { type LogEntry, memoryLog, processRuns } from "./support/python.js";

const HOSTILE = path.join(ROOT, "test/fixtures/python/hostile.py");
/** The limit on a log line, an error message or a traceback that comes from Python. */
const MAX_TEXT = 64 * 1024;

const pools: PythonPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(killGraceMs = 2000) {
  const log = memoryLog();
  const p = pythonRunner({
    python: "python3",
    file: HOSTILE,
    cwd: path.dirname(HOSTILE),
    env: pythonEnv(process.env),
    log,
    size: 1,
    maxJobs: 100,
    killGraceMs,
  });
  pools.push(p);
  return Object.assign(p, { log });
}

let n = 0;
function job(progress: (fraction: number, message?: string) => void = () => {}) {
  const log = memoryLog();
  const signal = new AbortController().signal;
  return { ctx: { jobId: `attack-${++n}`, attempt: 1, signal, log, progress }, log };
}

const text = (b: Buffer) => b.toString("utf8");
const pidOf = async (p: PythonPool) => Number(text((await p.run({ mode: "pid" }, job().ctx)).data));
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("the job succeeded");
    },
    (error: unknown) => error as Error,
  );
const messages = (entries: LogEntry[]) => entries.map((e) => e.msg ?? "");

describe("a handler that forks", () => {
  it("keeps the job's answer the parent's when the child returns from the handler, and the child steals no job", async () => {
    const p = pool();
    const pid = await pidOf(p);
    const file = await p.run({ mode: "fork", child: "return" }, job().ctx);
    expect(text(file.data)).toMatch(new RegExp(`^${pid} \\d+$`));
    for (let i = 0; i < 5; i++) expect(await pidOf(p)).toBe(pid);
  }, 30_000);

  it("keeps the job's answer the parent's when the child calls sys.exit()", async () => {
    const p = pool();
    const pid = await pidOf(p);
    const file = await p.run({ mode: "fork", child: "exit" }, job().ctx);
    expect(text(file.data)).toMatch(new RegExp(`^${pid} \\d+$`));
    expect(await pidOf(p)).toBe(pid);
  }, 30_000);

  it("ends a child left running with its process, so closing the pool neither waits for it nor leaves it", async () => {
    const p = pool();
    const file = await p.run({ mode: "fork", child: "linger" }, job().ctx);
    const child = Number(text(file.data).split(" ")[1]);
    expect(processRuns(child)).toBe(true);
    expect(await pidOf(p)).toBe(Number(text(file.data).split(" ")[0]));
    const started = performance.now();
    await p.close();
    expect(performance.now() - started).toBeLessThan(3000);
    await waitUntil(() => !processRuns(child) || undefined, 5000, "the forked child to end");
  }, 30_000);
});

describe("a handler that closes its output", () => {
  const cases = [
    {
      name: "os.close(1)",
      payload: { mode: "close_fd", fd: 1 },
      says: /closed or replaced its stdout \(fd 1\)/,
    },
    {
      name: "os.close(2)",
      payload: { mode: "close_fd", fd: 2 },
      says: /closed or replaced its stderr \(fd 2\)/,
    },
    {
      name: "os.close(1), then open() reusing fd 1",
      payload: { mode: "close_fd", fd: 1, reopen: true },
      says: /closed or replaced its stdout \(fd 1\)/,
    },
    { name: "sys.stdout.close()", payload: { mode: "close_sys_stdout" }, says: /closed sys\.stdout/ },
  ];
  for (const { name, payload, says } of cases) {
    it(`fails the job with a clear error and replaces the process: ${name}`, async () => {
      const p = pool();
      const pid = await pidOf(p);
      const error = await failure(p.run(payload, job().ctx));
      expect(error.message).toMatch(says);
      expect(error.message).toMatch(/the process was replaced/);
      expect(isNonRetriable(error)).toBe(true);
      const next = await pidOf(p);
      expect(next).not.toBe(pid);
      expect(await pidOf(p)).toBe(next);
    }, 30_000);
  }
});

describe("a corrupt or oversized frame on the protocol channel", () => {
  const hex = (s: string) => Buffer.from(s).toString("hex");
  const cases = [
    { name: "a header that is not JSON", frame: `0000000500000000${hex("{oops")}`, says: /not JSON/ },
    {
      name: "a header that is not an object",
      frame: `0000000400000000${hex("null")}`,
      says: /not a JSON object/,
    },
    // Nothing follows the lengths: a runner that waited for 2 MiB would wait forever.
    {
      name: "a header claiming 2 MiB",
      frame: "0020000000000000",
      says: /header of 2097152 bytes, over the 1 MiB/,
    },
  ];
  for (const { name, frame, says } of cases) {
    it(`kills and replaces the process at once: ${name}`, async () => {
      const p = pool();
      const pid = await pidOf(p);
      const { ctx, log } = job();
      const started = performance.now();
      const error = await failure(p.run({ mode: "frame", hex: frame }, ctx));
      expect(performance.now() - started).toBeLessThan(5000);
      expect(error).toBeInstanceOf(PythonCrashError);
      expect(error.message).toMatch(/sent a corrupt frame/);
      expect(error.message).toMatch(says);
      expect(isNonRetriable(error)).toBe(false);
      expect(messages(log.entries).join("\n")).toMatch(/corrupt frame/);
      await waitUntil(() => !processRuns(pid) || undefined, 5000, "the old process to end");
      const next = await pidOf(p);
      expect(next).not.toBe(pid);
    }, 30_000);
  }

  it("refuses to start on a corrupt frame sent while handlers.py is imported", async () => {
    const proc = new PythonProcess({
      python: "python3",
      file: HOSTILE,
      cwd: path.dirname(HOSTILE),
      env: { ...pythonEnv(process.env), HOSTILE_IMPORT: "corrupt" },
      log: memoryLog(),
    });
    const error = await failure(proc.ready);
    expect(error).toBeInstanceOf(PythonStartError);
    expect(error.message).toMatch(
      /Could not load .*hostile\.py: the Python process sent a corrupt frame .*not JSON/,
    );
    await proc.exited;
  }, 30_000);
});

it("cuts an enormous log line and error message to 64 Ki characters", async () => {
  const { ctx, log } = job();
  const error = await failure(pool().run({ mode: "huge_log" }, ctx));
  expect(error.message.length).toBeLessThanOrEqual(MAX_TEXT);
  expect(error.message).toMatch(/^ValueError: EEEE/);
  expect(error.message).toMatch(/cut: 1000012 characters in all\)$/);
  const line = log.entries.find((e) => e.msg?.startsWith("LLLL"));
  expect(line?.msg?.length).toBeLessThanOrEqual(MAX_TEXT);
  expect(line?.msg).toMatch(/cut: 1000000 characters in all\)$/);
  for (const e of log.entries) expect((e.msg ?? "").length).toBeLessThanOrEqual(MAX_TEXT);
}, 30_000);

describe("a handler returning a wrong type", () => {
  const cases = [
    { kind: "none", says: /the handler returned NoneType None; expected \(bytes, content_type, filename\)/ },
    { kind: "content_type", says: /the handler's result content_type is int 5; expected a non-empty str/ },
    { kind: "huge_list", says: /the handler returned list \[0, 1, 2, .*\.\.\.\]; expected \(bytes/ },
    { kind: "evil_repr", says: /the handler returned Evil <Evil instance at 0x[0-9a-f]+>; expected \(bytes/ },
  ];
  for (const { kind, says } of cases) {
    it(`fails at once (no retry) naming the type expected: ${kind}`, async () => {
      const started = performance.now();
      const error = await failure(pool().run({ mode: "wrong", kind }, job().ctx));
      expect(error.message).toMatch(says);
      expect(isNonRetriable(error)).toBe(true);
      expect(performance.now() - started).toBeLessThan(10_000);
    }, 30_000);
  }
});

describe("a handlers.py that ends the process while it is imported", () => {
  const start = (how: string) =>
    new PythonProcess({
      python: "python3",
      file: HOSTILE,
      cwd: path.dirname(HOSTILE),
      env: { ...pythonEnv(process.env), HOSTILE_IMPORT: how },
      log: memoryLog(),
    }).ready;

  it("names sys.exit() as the cause", async () => {
    const error = await failure(start("sys.exit"));
    expect(error).toBeInstanceOf(PythonStartError);
    expect(error.message).toMatch(
      /Could not load .*hostile\.py: it called sys\.exit\(4\) while it was being imported; a handlers file must define the service, not exit/,
    );
    expect(error.message).toMatch(/hostile\.py", line \d+/); // the traceback says where
  }, 30_000);

  it("names os._exit() as the likely cause, not the interpreter", async () => {
    const error = await failure(start("os._exit"));
    expect(error).toBeInstanceOf(PythonStartError);
    expect(error.message).toMatch(
      /hostile\.py ended the Python process \(exit code 0\) while it was being imported: does it call os\._exit\(\) or sys\.exit\(\)/,
    );
    expect(error.message).not.toMatch(/is it Python 3\.9/);
  }, 30_000);
});

it("ends a job's output only at its own end marker, not at one the handler prints", async () => {
  const p = pool();
  for (let round = 0; round < 3; round++) {
    const { ctx, log } = job();
    expect(text((await p.run({ mode: "marker" }, ctx)).data)).toBe("printed");
    const next = job();
    await p.run({ mode: "pid" }, next.ctx);
    const lines = messages(log.entries);
    const after = lines.filter((l) => l.startsWith("after "));
    expect(after).toEqual(Array.from({ length: 20_000 }, (_, i) => `after ${i}`));
    // The fake markers are the handler's output like any other line.
    expect(lines).toContain("\u0000praisonai-svc:end:1000000000");
    expect(next.log.entries).toEqual([]);
  }
  expect(messages(p.log.entries).filter((l) => l.startsWith("after "))).toEqual([]);
}, 60_000);

describe("the line splitter", () => {
  it("is safe against re-entry: a line handler that feeds or flushes it sees each line once, in order", () => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => {
      lines.push(line);
      if (line === "trigger") {
        splitter.push(Buffer.from("nested\nmore"));
        splitter.flush();
      }
    });
    splitter.push(Buffer.from("a\ntrigger\nb\npart"));
    expect(lines).toEqual(["a", "trigger", "b", "partnested", "more"]);
    splitter.push(Buffer.from("c\n"));
    expect(lines.at(-1)).toBe("c");
  });
});

describe("progress from Python", () => {
  it("is throttled to one report per 0.2 s, and the last value always arrives", async () => {
    const reports: [number, string | undefined][] = [];
    const { ctx } = job((fraction, message) => reports.push([fraction, message]));
    const count = 50_000;
    const started = performance.now();
    const file = await pool().run({ mode: "progress_flood", count }, ctx);
    const seconds = (performance.now() - started) / 1000;
    console.log(`ctx.progress: ${text(file.data)} µs per call (${count} calls, ${reports.length} sent)`);
    expect(reports.length).toBeLessThanOrEqual(2 + Math.ceil(seconds / 0.2));
    expect(reports.at(-1)).toEqual([1, `step ${count}`]);
    expect(reports[0]).toEqual([1 / count, "step 1"]); // the first goes at once
  }, 60_000);

  it("sends a report held back by the throttle 0.2 s later, not at the job's end", async () => {
    const times: [number, number][] = [];
    const { ctx } = job((fraction) => times.push([fraction, performance.now()]));
    const started = performance.now();
    await pool().run({ mode: "progress_pause" }, ctx);
    const ended = performance.now();
    expect(times.map(([f]) => f)).toEqual([0.1, 0.2]);
    const [[, first], [, second]] = times as [[number, number], [number, number]];
    expect(second - first).toBeGreaterThanOrEqual(150);
    expect(ended - second).toBeGreaterThan(1000); // the handler still slept: sent by the timer
    expect(first).toBeGreaterThan(started);
  }, 30_000);
});
