// One long-lived Python worker process: imports handlers.py once, then runs one job at a time over frames.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { type JobFile, type JobLogger, toJobFile } from "../../app/handler.js";
import {
  exitedBeforeReady,
  exitedWhileImporting,
  PythonCrashError,
  PythonHandlerError,
  PythonStartError,
  spawnFailed,
  tooOld,
} from "./errors.js";
import { encodeFrame, type Frame, FrameError, FrameReader } from "./frames.js";
import { cutText } from "./limits.js";
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
  /** The job's end-of-output token: random, so a handler cannot print it and end its output early. */
  end: string;
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
type Level = "info" | "warn" | "error" | "debug";
const LEVELS = new Set<unknown>(["info", "warn", "error", "debug"]);
/** What the Python worker writes on stdout and stderr after a job's output, then the job's token (_worker.py). */
const OUTPUT_END = "\u0000praisonai-svc:end:";
/** Tokens of the latest jobs whose markers are consumed silently (one may arrive after its job gave up waiting). */
const RECENT_TOKENS = 4;
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
  /** The process said it cannot serve another job (its handler closed stdout): the pool replaces it. */
  #spent = false;
  /** Why we killed the process (it broke the protocol), for the error of the job it ran. */
  #killedBecause: string | undefined;
  /** The token of the last job whose output has fully arrived, per stream; an answer waits for both. */
  readonly #outputDone = { stdout: "", stderr: "" };
  /** The end tokens of the latest jobs, newest last. */
  readonly #tokens: string[] = [];
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
      /** Our module runs and imports handlers.py: an exit from now on is the file's doing. */
      let importing = false;
      const reader = new FrameReader((frame) => {
        if (!started && frame.header.type === "loading") importing = true;
        else if (!started && frame.header.type === "ready") {
          started = true;
          resolve(frame.header as unknown as PythonServiceInfo);
        } else if (frame.header.type === "fatal") {
          reject(this.#fatal(frame));
        } else this.#onFrame(frame);
      });
      (this.#child.stdio[4] as Readable).on("data", (chunk: Buffer) => {
        try {
          reader.push(chunk);
        } catch (error) {
          if (!(error instanceof FrameError)) throw error;
          // Torn or forged (a handler writing on the channel): nothing more it says can be trusted.
          this.#killFor(`sent a corrupt frame on the protocol channel (${error.message})`);
        }
      });
      this.#child.once("error", (error: NodeJS.ErrnoException) => {
        this.#dead = true;
        reject(spawnFailed(opts.python, error));
      });
      this.#child.once("exit", (code, signal) => {
        this.#dead = true;
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        // Let the last frames and output drain before the job in flight is judged.
        setImmediate(() => {
          if (!started) {
            if (this.#killedBecause)
              reject(
                new PythonStartError(
                  `Could not load ${opts.file}: the Python process ${this.#killedBecause}.`,
                ),
              );
            else if (importing) reject(exitedWhileImporting(opts.file, how, this.#stderrTail));
            else reject(exitedBeforeReady(opts.python, opts.file, how, this.#stderrTail));
          }
          this.#settle((r) => r.reject(new PythonCrashError(how, this.#killedBecause)));
        });
        this.#killGroup(); // what the handler forked and left running goes with it
      });
    });
    // An unobserved failed start must not crash the process: whoever awaits `ready` sees the error.
    this.ready.catch(() => {});
    (this.#child.stdio[3] as Writable).on("error", () => {}); // EPIPE when the process died: the exit handles it
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** False once it has exited, or said it cannot serve another job. */
  get alive(): boolean {
    return !this.#dead && !this.#spent;
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
    const end = randomBytes(12).toString("base64url");
    this.#tokens.push(end);
    if (this.#tokens.length > RECENT_TOKENS) this.#tokens.shift();
    let finish!: () => void;
    const settled = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const result = new Promise<JobFile<Buffer>>((resolve, reject) => {
      this.#running = { seq, end, log: job.log, progress: job.progress, resolve, reject, finish };
    });
    if (this.#dead) this.#settle((r) => r.reject(new PythonCrashError("it had already exited")));
    else {
      const body = Buffer.from(JSON.stringify(payload), "utf8");
      const pipe = this.#child.stdio[3] as Writable;
      for (const part of encodeFrame(
        { type: "job", seq, job_id: job.jobId, attempt: job.attempt, end },
        body,
      ))
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
    if (!this.#dead) this.#killGroup();
  }

  /** Kills the process and its own process group: children the handler forked, left running, go with it. */
  #killGroup(): void {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL"); // detached: the worker leads its group
    } catch {
      // ESRCH: the group is empty (all gone) or was left (a handler that called os.setsid()).
    }
    if (!this.#dead) this.#child.kill("SIGKILL"); // in case it left its group
  }

  /** Kills the process because it broke the protocol; the job it ran fails with `because`. */
  #killFor(because: string): void {
    if (this.#killedBecause || this.#dead) return;
    this.#killedBecause = because;
    (this.#running?.log ?? this.#opts.log).error(
      { pid: this.pid },
      `the Python process ${because}; killing and replacing it`,
    );
    this.kill();
  }

  #onFrame({ header, body }: Frame): void {
    const running = this.#running;
    if (!running || header.seq !== running.seq) return; // an answer for a job already given up
    switch (header.type) {
      case "log": {
        // Checked against the four levels: a forged "level" must not pick another property of the logger.
        const level: Level = LEVELS.has(header.level) ? (header.level as Level) : "info";
        running.log[level]({ source: "python" }, cutText(String(header.msg)));
        return;
      }
      case "progress": {
        // Checked in Python (ctx.progress raises there); a frame that still fails the check is logged, not fatal.
        const message = typeof header.message === "string" ? cutText(header.message) : undefined;
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
      case "error": {
        const message = cutText(String(header.message));
        const traceback = typeof header.traceback === "string" ? cutText(header.traceback) : undefined;
        running.log.error({ traceback }, cutText(`the Python handler raised: ${message}`));
        // Its handler closed or replaced stdout/stderr: it cannot serve another job.
        if (header.replace === true) this.#spent = true;
        this.#settleAfterOutput(running.seq, header.output, (r) =>
          r.reject(new PythonHandlerError(message, header.non_retriable === true)),
        );
        return;
      }
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
    const streams = (Array.isArray(output) ? output : ["stdout", "stderr"]).filter(
      (s): s is "stdout" | "stderr" => s === "stdout" || s === "stderr",
    );
    const token = this.#running?.end;
    const done = () => streams.every((s) => this.#outputDone[s] === token);
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
    const token = marker === -1 ? "" : line.slice(marker + OUTPUT_END.length);
    // Only a job's own token ends its output: anything else that looks like a marker is the handler's text.
    if (marker === -1 || !this.#tokens.includes(token)) {
      this.#print(stream, line);
      return;
    }
    if (marker > 0) this.#print(stream, line.slice(0, marker));
    this.#outputDone[stream] = token;
    this.#onOutputDone?.();
  }

  #print(stream: "stdout" | "stderr", line: string): void {
    if (line === "") return; // the blank line before a marker
    if (stream === "stderr") this.#stderrTail = `${this.#stderrTail}${line}\n`.slice(-STDERR_TAIL);
    const log = this.#running?.log ?? this.#opts.log;
    (stream === "stdout" ? log.info : log.warn).call(log, { source: "python", stream }, line);
  }

  #fatal({ header }: Frame): PythonStartError {
    const message = cutText(String(header.message));
    const detail = cutText(String(header.detail ?? "").trim());
    if (header.kind === "version") return tooOld(this.#opts.python, message);
    const hint = /ModuleNotFoundError|No module named/.test(message)
      ? ` Install the handler's dependencies into ${this.#opts.python} (pip install -r requirements.txt), or point PRAISONAI_SVC_PYTHON at the interpreter that has them.`
      : "";
    return new PythonStartError(
      `Could not load ${this.#opts.file}: ${message}.${hint}${detail ? `\n${detail}` : ""}`,
    );
  }
}
