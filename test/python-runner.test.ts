// The Python runner against real Python processes: results, errors, interrupts, crashes, recycling.
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isNonRetriable } from "../src/errors.js";
import { PythonCrashError, PythonStartError } from "../src/runner/python/errors.js";
import { pythonEnv } from "../src/runner/python/interpreter.js";
import { type PythonPool, pythonRunner } from "../src/runner/python/pool.js";
import { PythonProcess } from "../src/runner/python/process.js";
import { pidAlive, ROOT } from "./support/cli.js";
import { waitUntil } from "./support/fault-cluster.js";
import { type LogEntry, memoryLog, pythonReporting, tempHandlers } from "./support/python.js";

const FIXTURE = path.join(ROOT, "test/fixtures/python/handlers.py");

type Entry = LogEntry;

const pools: PythonPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(opts: { size?: number; maxJobs?: number; killGraceMs?: number; file?: string } = {}) {
  const log = memoryLog();
  const p = pythonRunner({
    python: "python3",
    file: opts.file ?? FIXTURE,
    cwd: path.dirname(opts.file ?? FIXTURE),
    env: pythonEnv(process.env),
    log,
    size: opts.size ?? 1,
    maxJobs: opts.maxJobs ?? 100,
    killGraceMs: opts.killGraceMs ?? 2000,
  });
  pools.push(p);
  return Object.assign(p, { log }); // `log`: where output between jobs goes
}

let n = 0;
function job(signal = new AbortController().signal, attempt = 1) {
  const log = memoryLog();
  return { ctx: { jobId: `job-${++n}`, attempt, signal, log, progress: () => {} }, log };
}

const text = (b: Buffer) => b.toString("utf8");

describe("the Python runner", () => {
  it("runs the handler and turns its prints and logger calls into log lines of the job", async () => {
    const { ctx, log } = job();
    const file = await pool().run({ title: "Deck" }, ctx);
    expect(text(file.data)).toBe("title=Deck;attempt=1");
    expect(file).toMatchObject({ contentType: "text/plain", filename: "out.txt" });
    expect(log.entries).toContainEqual({
      level: "info",
      obj: { source: "python", stream: "stdout" },
      msg: `making Deck for ${ctx.jobId}`,
    });
    expect(log.entries).toContainEqual({ level: "info", obj: { source: "python" }, msg: "attempt 1" });
  }, 30_000);

  it("logs output written below sys.stdout (os.write, C printf, a child process) under its job, never the next", async () => {
    const p = pool();
    const linesOf = (log: { entries: Entry[] }) =>
      log.entries
        .filter((e) => (e.obj as { source?: string }).source === "python")
        .map((e) => `${e.level} ${e.msg}`);
    for (let round = 0; round < 20; round++) {
      const first = job();
      const writes = ["fd1", "fd2", "printf", "child", "flood"];
      expect(text((await p.run({ mode: "fd", writes }, first.ctx)).data)).toBe("wrote");
      const next = job();
      await p.run({ mode: "pid" }, next.ctx);
      const id = first.ctx.jobId;
      const flood = Array.from({ length: 20000 }, (_, i) => `info flood ${i} ${id}`);
      expect(linesOf(first.log).sort()).toEqual(
        [`info fd1 ${id}`, `warn fd2 ${id}`, `info printf ${id}`, `info child ${id}`, ...flood].sort(),
      );
      expect(linesOf(next.log)).toEqual([]);
    }
  }, 60_000);

  it("logs a last line without a newline under its job when the job ends", async () => {
    const p = pool();
    const first = job();
    await p.run({ mode: "fd", writes: ["partial"] }, first.ctx);
    const next = job();
    await p.run({ mode: "pid" }, next.ctx);
    expect(first.log.entries).toContainEqual({
      level: "info",
      obj: { source: "python", stream: "stdout" },
      msg: `partial ${first.ctx.jobId}`,
    });
    expect(next.log.entries).toEqual([]);
  }, 30_000);

  it("logs output a child left running writes after its job answered as the process's, not the job's", async () => {
    const p = pool();
    const first = job();
    await p.run({ mode: "fd", writes: ["late"] }, first.ctx);
    const line = `late ${first.ctx.jobId}`;
    const late = await waitUntil(() => p.log.entries.find((e) => e.msg === line), 10_000, "the late line");
    expect(late).toMatchObject({ level: "info", obj: { source: "python", stream: "stdout" } });
    expect(first.log.entries.map((e) => e.msg)).not.toContain(line);
  }, 30_000);

  it("keeps the frame pipes out of reach of the handler and its child processes (fds 3 and 4 go nowhere)", async () => {
    const p = pool();
    const first = job();
    const file = await p.run({ mode: "fd", writes: ["frame-fds"] }, first.ctx);
    expect(text(file.data)).toBe("wrote");
    expect(first.log.entries.map((e) => e.msg)).toContain("the shell read:");
    // The process answers the next job: no frame was torn or stolen.
    const pid = text((await p.run({ mode: "pid" }, job().ctx)).data);
    expect(text((await p.run({ mode: "pid" }, job().ctx)).data)).toBe(pid);
  }, 30_000);

  it("carries a 100 MB result as raw bytes, intact", async () => {
    const size = 100 * 1024 * 1024;
    const { ctx } = job();
    const file = await pool().run({ mode: "bytes", size }, ctx);
    expect(file.data.length).toBe(size);
    // The handler repeats 16 random bytes: every 16-byte block equals the first.
    const first = file.data.subarray(0, 16);
    const expected = Buffer.alloc(size, first);
    expect(createHash("sha256").update(file.data).digest("hex")).toBe(
      createHash("sha256").update(expected).digest("hex"),
    );
  }, 60_000);

  it("hands a 1 MB payload to the handler intact", async () => {
    const payload = {
      mode: "echo",
      text: "é€😀x".repeat(100_000).slice(0, 700_000),
      n: [1, 2.5, null, true],
    };
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeGreaterThan(1_000_000);
    const file = await pool().run(payload, job().ctx);
    expect(JSON.parse(text(file.data))).toEqual(payload);
  }, 30_000);

  it("runs async def handlers", async () => {
    expect(text((await pool().run({ mode: "async" }, job().ctx)).data)).toBe("async");
  }, 30_000);

  it("rejects with the handler's exception, retriable, and logs its traceback for the author", async () => {
    const { ctx, log } = job();
    const error = await pool()
      .run({ mode: "fail_once" }, ctx)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("ValueError: first attempt fails");
    expect(isNonRetriable(error)).toBe(false);
    const logged = log.entries.find((e) => e.level === "error");
    expect((logged?.obj as { traceback?: string } | undefined)?.traceback).toMatch(
      /Traceback[\s\S]*handlers\.py/,
    );
  }, 30_000);

  it("passes ctx.progress reports to the worker (throttled), and refuses a fraction outside 0..1 in Python", async () => {
    const reports: [number, string | undefined][] = [];
    const { ctx } = job();
    const file = await pool().run(
      { mode: "progress" },
      { ...ctx, progress: (fraction, message) => reports.push([fraction, message]) },
    );
    // The first report goes at once; the next two come within 0.2 s, so only the last of them is sent.
    expect(reports).toEqual([
      [0.25, "step 0.25"],
      [0.99, "step 0.99"],
    ]);
    expect(text(file.data)).toMatch(/fraction must be from 0 to 1, got 1.5/);
  }, 30_000);

  it("marks NonRetriableError as non-retriable", async () => {
    const error = await pool()
      .run({ mode: "fatal" }, job().ctx)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("the deck has no slides");
    expect(isNonRetriable(error)).toBe(true);
  }, 30_000);

  it("names what a handler returned when it is not a file", async () => {
    const error = await pool()
      .run({ mode: "wrong" }, job().ctx)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /TypeError: the handler returned int 42; expected \(bytes, content_type/,
    );
  }, 30_000);

  it("keeps one process for many jobs, and handles a handler printing megabytes", async () => {
    const p = pool();
    const pid1 = text((await p.run({ mode: "pid" }, job().ctx)).data);
    const { ctx, log } = job();
    expect(text((await p.run({ mode: "spam", lines: 5000 }, ctx)).data)).toBe("spammed");
    expect(log.entries.filter((e) => (e.obj as { stream?: string }).stream === "stdout")).toHaveLength(5000);
    expect(text((await p.run({ mode: "pid" }, job().ctx)).data)).toBe(pid1);
  }, 60_000);

  it("interrupts a cancelled handler and keeps its process when it stops", async () => {
    const p = pool();
    const pid1 = text((await p.run({ mode: "pid" }, job().ctx)).data);
    const controller = new AbortController();
    const { ctx, log } = job(controller.signal);
    const running = p.run({ mode: "sleep", seconds: 60 }, ctx);
    await new Promise((r) => setTimeout(r, 500));
    const reason = new Error("Job exceeded 1 second timeout");
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    await waitFor(() => log.entries.some((e) => e.msg === "interrupted"));
    expect(text((await p.run({ mode: "pid" }, job().ctx)).data)).toBe(pid1);
  }, 60_000);

  it("fails (retriably) a job whose handler was interrupted from outside, and keeps the process", async () => {
    const p = pool();
    const pid = Number(text((await p.run({ mode: "pid" }, job().ctx)).data));
    const running = p.run({ mode: "sleep", seconds: 60 }, job().ctx);
    await new Promise((r) => setTimeout(r, 500));
    process.kill(pid, "SIGINT");
    const error = await running.catch((e: unknown) => e);
    expect((error as Error).message).toBe("KeyboardInterrupt: the handler was interrupted");
    expect(isNonRetriable(error)).toBe(false);
    expect(Number(text((await p.run({ mode: "pid" }, job().ctx)).data))).toBe(pid);
  }, 60_000);

  it("kills a handler that ignores the interrupt after the grace period and replaces its process", async () => {
    const p = pool({ killGraceMs: 500 });
    const pid1 = text((await p.run({ mode: "pid" }, job().ctx)).data);
    const controller = new AbortController();
    const { ctx, log } = job(controller.signal);
    const running = p.run({ mode: "hang" }, ctx);
    await new Promise((r) => setTimeout(r, 500));
    controller.abort(new Error("cancelled"));
    await expect(running).rejects.toThrow("cancelled");
    await waitFor(() => log.entries.some((e) => /ignored the interrupt; killing/.test(e.msg ?? "")));
    await waitFor(() => !pidAlive(Number(pid1)));
    const pid2 = text((await p.run({ mode: "pid" }, job().ctx)).data);
    expect(pid2).not.toBe(pid1);
  }, 60_000);

  it("replaces a process that crashes mid-job and reports the crash as a retriable error", async () => {
    const p = pool();
    const error = await p.run({ mode: "exit" }, job().ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonCrashError);
    expect((error as Error).message).toMatch(/exit code 7/);
    expect(isNonRetriable(error)).toBe(false);
    expect(text((await p.run({ mode: "exit" }, job(undefined, 2).ctx)).data)).toBe("survived");
  }, 60_000);

  it("replaces a process that dies while idle before a job could find it dead", async () => {
    const p = pool();
    const pid1 = Number(text((await p.run({ mode: "pid" }, job().ctx)).data));
    process.kill(pid1, "SIGKILL");
    await waitFor(() => p.pids.length === 1 && p.pids[0] !== pid1);
    const pid2 = Number(text((await p.run({ mode: "pid" }, job().ctx)).data));
    expect(pid2).toBe(p.pids[0]);
    expect(pid2).not.toBe(pid1);
  }, 60_000);

  it("recycles a process after PRAISONAI_SVC_PYTHON_MAX_JOBS jobs", async () => {
    const p = pool({ maxJobs: 2 });
    const pids: string[] = [];
    for (let i = 0; i < 4; i++) pids.push(text((await p.run({ mode: "pid" }, job().ctx)).data));
    expect(pids[0]).toBe(pids[1]);
    expect(pids[2]).toBe(pids[3]);
    expect(pids[2]).not.toBe(pids[0]);
    await waitFor(() => !pidAlive(Number(pids[0])));
  }, 60_000);

  it("runs as many jobs at once as it has processes", async () => {
    const p = pool({ size: 2 });
    const started = performance.now();
    const files = await Promise.all([
      p.run({ mode: "sleep", seconds: 2 }, job().ctx),
      p.run({ mode: "sleep", seconds: 2 }, job().ctx),
    ]);
    expect(files.map((f) => text(f.data))).toEqual(["slept", "slept"]);
    // Each process imported the file before; two 2 s jobs in parallel take well under 4 s.
    expect(performance.now() - started).toBeLessThan(3900);
  }, 60_000);
});

describe("starting Python", () => {
  const start = (file: string, python = "python3") =>
    new PythonProcess({
      python,
      file,
      cwd: path.dirname(file),
      env: pythonEnv(process.env),
      log: memoryLog(),
    });

  it("reports what handlers.py declares", async () => {
    const p = start(FIXTURE);
    const info = await p.ready;
    await p.close(1000);
    expect(info).toMatchObject({
      name: "Python fixture",
      example: { title: "Hello" },
      schema: null,
      handler: "generate",
    });
  }, 30_000);

  it("says which interpreter is missing and what to install", async () => {
    const error = await start(FIXTURE, "/nonexistent/python3").ready.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonStartError);
    expect((error as Error).message).toMatch(
      /"\/nonexistent\/python3" was not found: install Python 3\.9 or newer.*PRAISONAI_SVC_PYTHON/,
    );
  });

  it("refuses an interpreter older than 3.9 at the runner's own version check, and takes 3.9.0", async () => {
    const old = await start(FIXTURE, pythonReporting("3.8.18")).ready.catch((e: unknown) => e);
    expect(old).toBeInstanceOf(PythonStartError);
    expect((old as Error).message).toMatch(
      /"\S+\/python" cannot run handlers\.py: it is Python 3\.8\.18, and praisonai-svc needs 3\.9 or newer\. To fix: install Python 3\.9 or newer \(Debian: apt-get install python3 python3-venv\)/,
    );
    // The same shim one minor version up passes the check: the refusal above came from the version alone.
    const p = start(FIXTURE, pythonReporting("3.9.0"));
    const info = await p.ready;
    await p.close(1000);
    expect(info.python).toBe("3.9.0");
  }, 30_000);

  it("says when the interpreter is not Python at all, or not an executable file", async () => {
    const notPython = await start(FIXTURE, "/bin/false").ready.catch((e: unknown) => e);
    expect(notPython).toBeInstanceOf(PythonStartError);
    expect((notPython as Error).message).toMatch(
      /^"\/bin\/false" exited \(exit code 1\) before it had loaded .*handlers\.py: is it Python 3\.9 or newer\? To fix: .*PRAISONAI_SVC_PYTHON.* It wrote nothing on stderr\.$/,
    );
    const folder = await start(FIXTURE, tmpdir()).ready.catch((e: unknown) => e);
    expect((folder as Error).message).toMatch(
      /^Python interpreter ".*" is not an executable file: install Python 3\.9/,
    );
  }, 30_000);

  it("shows the author the traceback of a failing import and what to install", async () => {
    const file = tempHandlers("import praisonai_no_such_module\n");
    const error = await start(file).ready.catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /Could not load .*handlers\.py: ModuleNotFoundError: No module named 'praisonai_no_such_module'\. Install the handler's dependencies.*pip install -r requirements\.txt/,
    );
    expect((error as Error).message).toMatch(/Traceback \(most recent call last\)/);
  }, 30_000);

  it("asks for a ServiceApp with a job when the file has none", async () => {
    const none = await start(tempHandlers("x = 1\n")).ready.catch((e: unknown) => e);
    expect((none as Error).message).toMatch(/defines no ServiceApp: create one/);
    const noJob = await start(
      tempHandlers("from praisonai_svc import ServiceApp\napp = ServiceApp('S')\n"),
    ).ready.catch((e: unknown) => e);
    expect((noJob as Error).message).toMatch(/has no job handler: decorate a function with @app\.job/);
  }, 30_000);
});

/** Waits until `check` holds (polling every 100 ms). */
const waitFor = (check: () => boolean, timeoutMs = 20_000) =>
  waitUntil(() => check() || undefined, timeoutMs, "the condition");
