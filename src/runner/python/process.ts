// One long-lived Python worker process: imports handlers.py once, then runs one job at a time over frames.
import { type ChildProcess, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { type JobFile, type JobLogger, toJobFile } from "../../app/handler.js";
import {
  exitedBeforeReady,
  PythonCrashError,
  PythonHandlerError,
  PythonStartError,
  spawnFailed,
  tooOld,
} from "./errors.js";
import { encodeFrame, type Frame, FrameReader } from "./frames.js";
import { lineSplitter } from "./output.js";

/** What handlers.py declared, as its worker reports it once imported. */
export interface PythonServiceInfo {
  name: string;
  version: string | null;
  description: string | null;
  example: unknown;
  /** The Pydantic model's JSON Schema, or null for an untyped handler. */
  schema: Record<string, unknown> | null;
  handler: string;
  python: string;
  pid: number;
}

export interface PythonProcessOptions {
  python: string;
  file: string;
  cwd: string;
  env: Record<string, string>;
  /** Where the handler's output goes between jobs (and where start-up trouble is logged). */
  log: JobLogger;
}

interface Running {
  seq: number;
  log: JobLogger;
  progress?: (fraction: number, message?: string) => void;
  resolve(file: JobFile<Buffer>): void;
  reject(error: unknown): void;
  /** Resolves once the process is free again (answered, or dead). */
  finish(): void;
}

export interface PythonRun {
  result: Promise<JobFile<Buffer>>;
  /** Resolves once the process has answered for this job or died: only then may it take the next. */
  settled: Promise<void>;
}

const STDERR_TAIL = 4000;
/** What the Python worker writes on stdout and stderr after a job's output (python/praisonai_svc/_worker.py). */
const OUTPUT_END = "\u0000praisonai-svc:end:";
/** How long an answer waits for the job's output markers (a handler may have closed its stdout). */
const OUTPUT_WAIT_MS = 2000;

export class PythonProcess {
  readonly ready: Promise<PythonServiceInfo>;
  /** Jobs this process has been given (it is recycled after PRAISONAI_SVC_PYTHON_MAX_JOBS). */
  jobs = 0;
  readonly #child: ChildProcess;
  readonly #opts: PythonProcessOptions;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<void>;
  #seq = 0;
  #running: Running | undefined;
  #stderrTail = "";
  #dead = false;
  /** The last job whose output has fully arrived, per stream; an answer waits for both. */
  readonly #outputDone = { stdout: 0, stderr: 0 };
  #onOutputDone: (() => void) | undefined;
  readonly #lines = {
    stdout: lineSplitter((line) => this.#output("stdout", line)),
    stderr: lineSplitter((line) => this.#output("stderr", line)),
  };

  constructor(opts: PythonProcessOptions) {
    this.#opts = opts;
    this.#child = spawn(opts.python, ["-m", "praisonai_svc._worker", opts.file], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
      // Its own process group: a terminal's Ctrl-C reaches the worker, which stops gracefully, and not
      // the handler mid-job. (It still exits when the worker is gone: _worker.py watches its parent.)
      detached: true,
    });
    this.exited = new Promise((resolve) => this.#child.once("exit", () => resolve()));
    this.#child.stdout?.on("data", (chunk: Buffer) => this.#lines.stdout.push(chunk));
    this.#child.stderr?.on("data", (chunk: Buffer) => this.#lines.stderr.push(chunk));
    this.ready = new Promise<PythonServiceInfo>((resolve, reject) => {
      let started = false;
      const reader = new FrameReader((frame) => {
        if (!started && frame.header.type === "ready") {
          started = true;
          resolve(frame.header as unknown as PythonServiceInfo);
        } else if (frame.header.type === "fatal") {
          reject(this.#fatal(frame));
        } else this.#onFrame(frame);
      });
      (this.#child.stdio[4] as Readable).on("data", (chunk: Buffer) => reader.push(chunk));
      this.#child.once("error", (error: NodeJS.ErrnoException) => {
        this.#dead = true;
        reject(spawnFailed(opts.python, error));
      });
      this.#child.once("exit", (code, signal) => {
        this.#dead = true;
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        // Let the last frames and output drain before the job in flight is judged.
        setImmediate(() => {
          if (!started) reject(exitedBeforeReady(opts.python, opts.file, how, this.#stderrTail));
          this.#settle((r) => r.reject(new PythonCrashError(how)));
        });
      });
    });
    // An unobserved failed start must not crash the process: whoever awaits `ready` sees the error.
    this.ready.catch(() => {});
    (this.#child.stdio[3] as Writable).on("error", () => {}); // EPIPE when the process died: the exit handles it
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get alive(): boolean {
    return !this.#dead;
  }

  /** Runs one job; the result rejects at once when the signal fires, while the process is interrupted, then killed. */
  run(
    payload: unknown,
    job: {
      jobId: string;
      attempt: number;
      signal: AbortSignal;
      log: JobLogger;
      progress?: (fraction: number, message?: string) => void;
    },
    killGraceMs: number,
  ): PythonRun {
    if (this.#running) throw new Error("a Python process runs one job at a time");
    this.jobs += 1;
    const seq = ++this.#seq;
    let finish!: () => void;
    const settled = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const result = new Promise<JobFile<Buffer>>((resolve, reject) => {
      this.#running = { seq, log: job.log, progress: job.progress, resolve, reject, finish };
    });
    if (this.#dead) this.#settle((r) => r.reject(new PythonCrashError("it had already exited")));
    else {
      const body = Buffer.from(JSON.stringify(payload), "utf8");
      const pipe = this.#child.stdio[3] as Writable;
      for (const part of encodeFrame({ type: "job", seq, job_id: job.jobId, attempt: job.attempt }, body))
        pipe.write(part);
    }
    const onAbort = () => {
      const running = this.#running;
      if (!running || running.seq !== seq) return;
      running.reject(job.signal.reason);
      // Interrupt (KeyboardInterrupt in the handler), then kill if it is still busy after the grace period.
      this.#child.kill("SIGINT");
      const timer = setTimeout(() => {
        if (this.#running?.seq === seq) {
          job.log.warn(
            { pid: this.pid, graceMs: killGraceMs },
            "the Python handler ignored the interrupt; killing its process",
          );
          this.kill();
        }
      }, killGraceMs);
      void settled.then(() => clearTimeout(timer));
    };
    if (job.signal.aborted) onAbort();
    else job.signal.addEventListener("abort", onAbort, { once: true });
    void settled.then(() => job.signal.removeEventListener("abort", onAbort));
    return { result, settled };
  }

  /** Ends the process gracefully: its input closes, it returns from its loop; killed if it has not after `graceMs`. */
  async close(graceMs: number): Promise<void> {
    if (this.#dead) return this.exited;
    (this.#child.stdio[3] as Writable).end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.#dead) this.#child.kill("SIGKILL");
  }

  #onFrame({ header, body }: Frame): void {
    const running = this.#running;
    if (!running || header.seq !== running.seq) return; // an answer for a job already given up
    switch (header.type) {
      case "log": {
        const level = header.level as "info" | "warn" | "error" | "debug";
        (running.log[level] ?? running.log.info).call(running.log, { source: "python" }, String(header.msg));
        return;
      }
      case "progress": {
        // Checked in Python (ctx.progress raises there); a frame that still fails the check is logged, not fatal.
        const message = typeof header.message === "string" ? header.message : undefined;
        try {
          running.progress?.(Number(header.fraction), message);
        } catch (error) {
          running.log.warn({ err: error }, "ignored a progress report from the Python handler");
        }
        return;
      }
      case "result":
        // The same checks as a TypeScript handler's result: a bad type fails at once, a bad name is fixed.
        this.#settleAfterOutput(running.seq, header.output, (r) => {
          try {
            const filename = typeof header.filename === "string" ? header.filename : "";
            r.resolve(toJobFile([body, String(header.content_type), filename]));
          } catch (error) {
            r.reject(error);
          }
        });
        return;
      case "error":
        running.log.error(
          { traceback: header.traceback },
          `the Python handler raised: ${String(header.message)}`,
        );
        this.#settleAfterOutput(running.seq, header.output, (r) =>
          r.reject(new PythonHandlerError(String(header.message), header.non_retriable === true)),
        );
        return;
      case "cancelled":
        // Interrupted by us: the result already rejected with the signal's reason (this one is then ignored).
        // By someone else (a SIGINT from outside): the delivery failed and is retried.
        this.#settleAfterOutput(running.seq, header.output, (r) =>
          r.reject(new PythonHandlerError("KeyboardInterrupt: the handler was interrupted", false)),
        );
        return;
    }
  }

  /** Ends the job in flight (the first settlement of a promise wins) and frees the process. */
  #settle(end: (r: Running) => void): void {
    const running = this.#running;
    if (!running) return;
    // A last line without a newline (os.write, a progress bar) is the job's: logged now, under it.
    this.#lines.stdout.flush();
    this.#lines.stderr.flush();
    this.#running = undefined;
    end(running);
    running.finish();
  }

  /**
   * Settles once the job's prints have arrived (they travel on other pipes than the answer), at most 2 s
   * later; `output` names the streams the job wrote to (each ends with a marker).
   */
  #settleAfterOutput(seq: number, output: unknown, end: (r: Running) => void): void {
    const streams: ("stdout" | "stderr")[] = Array.isArray(output) ? output : ["stdout", "stderr"];
    const done = () => streams.every((s) => this.#outputDone[s] >= seq);
    if (done()) {
      this.#settle(end); // the common case (nothing printed, or already read): no extra turn of the loop
      return;
    }
    const finish = () => {
      clearTimeout(timer);
      this.#onOutputDone = undefined;
      if (this.#running?.seq === seq) this.#settle(end);
    };
    const timer = setTimeout(finish, OUTPUT_WAIT_MS);
    this.#onOutputDone = () => {
      if (done()) finish();
    };
  }

  #output(stream: "stdout" | "stderr", line: string): void {
    const marker = line.indexOf(OUTPUT_END);
    if (marker === -1) {
      this.#print(stream, line);
      return;
    }
    if (marker > 0) this.#print(stream, line.slice(0, marker));
    this.#outputDone[stream] = Number(line.slice(marker + OUTPUT_END.length)) || 0;
    this.#onOutputDone?.();
  }

  #print(stream: "stdout" | "stderr", line: string): void {
    if (line === "") return; // the blank line before a marker
    if (stream === "stderr") this.#stderrTail = `${this.#stderrTail}${line}\n`.slice(-STDERR_TAIL);
    const log = this.#running?.log ?? this.#opts.log;
    (stream === "stdout" ? log.info : log.warn).call(log, { source: "python", stream }, line);
  }

  #fatal({ header }: Frame): PythonStartError {
    const message = String(header.message);
    const detail = String(header.detail ?? "").trim();
    if (header.kind === "version") return tooOld(this.#opts.python, message);
    const hint = /ModuleNotFoundError|No module named/.test(message)
      ? ` Install the handler's dependencies into ${this.#opts.python} (pip install -r requirements.txt), or point PRAISONAI_SVC_PYTHON at the interpreter that has them.`
      : "";
    return new PythonStartError(
      `Could not load ${this.#opts.file}: ${message}.${hint}${detail ? `\n${detail}` : ""}`,
    );
  }
}
