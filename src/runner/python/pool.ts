// The Python HandlerRunner: a pool of long-lived worker processes, one job each at a time.
// A process that crashed or was killed is replaced; one that has run PRAISONAI_SVC_PYTHON_MAX_JOBS jobs is recycled.
import type { JobLogger } from "../../app/handler.js";
import type { HandlerRunner } from "../types.js";
import { PythonProcess, type PythonProcessOptions } from "./process.js";

export interface PythonPoolOptions extends PythonProcessOptions {
  /** Processes at most (= PRAISONAI_SVC_CONCURRENCY). */
  size: number;
  /** Jobs a process runs before it is replaced. */
  maxJobs: number;
  /** How long an interrupted handler may take to stop before its process is killed. */
  killGraceMs: number;
  /** A process already started (the one start-up imported handlers.py with), taken into the pool. */
  first?: PythonProcess;
}

export interface PythonPool extends HandlerRunner {
  /** Pids of the live processes (for tests and diagnostics). */
  readonly pids: number[];
}

export function pythonRunner(opts: PythonPoolOptions): PythonPool {
  const live = new Set<PythonProcess>();
  const idle: PythonProcess[] = [];
  const waiting: Array<(p: PythonProcess) => void> = [];
  let closed = false;

  /** A process that dies while idle (killed, out of memory) is replaced before a job finds it dead. */
  const watch = (p: PythonProcess) => {
    void p.exited.then(() => {
      const at = idle.indexOf(p);
      if (at === -1) return; // busy: the job's settlement replaces it
      idle.splice(at, 1);
      opts.log.warn({ pid: p.pid }, "an idle Python worker process exited; replacing it");
      retire(p);
    });
  };

  const spawnOne = (): PythonProcess => {
    const p = new PythonProcess(opts);
    live.add(p);
    watch(p);
    void p.ready.then(
      () => offer(p),
      (error: unknown) => {
        live.delete(p);
        opts.log.error({ err: error }, "a Python worker process failed to start; trying again in 5 s");
        setTimeout(() => {
          if (!closed && live.size < opts.size) spawnOne();
        }, 5000).unref();
      },
    );
    return p;
  };

  const offer = (p: PythonProcess) => {
    if (closed || !p.alive) {
      live.delete(p);
      void p.close(opts.killGraceMs);
      return;
    }
    const next = waiting.shift();
    if (next) next(p);
    else idle.push(p);
  };

  /** Ends a process and, unless the pool is closing, starts its successor. */
  const retire = (p: PythonProcess) => {
    live.delete(p);
    void p.close(opts.killGraceMs);
    if (!closed) spawnOne();
  };

  const acquire = (signal: AbortSignal): Promise<PythonProcess> => {
    const p = idle.pop();
    if (p) return Promise.resolve(p);
    if (live.size < opts.size) spawnOne();
    return new Promise<PythonProcess>((resolve, reject) => {
      const take = (proc: PythonProcess) => {
        signal.removeEventListener("abort", onAbort);
        resolve(proc);
      };
      const onAbort = () => {
        waiting.splice(waiting.indexOf(take), 1);
        reject(signal.reason);
      };
      waiting.push(take);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  };

  if (opts.first) {
    live.add(opts.first);
    watch(opts.first);
    void opts.first.ready.then(
      () => offer(opts.first as PythonProcess),
      () => live.delete(opts.first as PythonProcess),
    );
  }
  // Warm the pool: importing a generator package takes seconds, better before the first job than during it.
  while (live.size < opts.size) spawnOne();

  return {
    get pids() {
      return [...live].map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
    },
    async run(payload, ctx) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const p = await acquire(ctx.signal);
      const log: JobLogger = ctx.log;
      const { result, settled } = p.run(
        payload,
        { jobId: ctx.jobId, attempt: ctx.attempt, signal: ctx.signal, log },
        opts.killGraceMs,
      );
      void settled.then(() => {
        // Crashed or killed: replaced at once, so the next job finds handlers.py imported.
        if (!p.alive) retire(p);
        else if (p.jobs >= opts.maxJobs) {
          log.info(
            { pid: p.pid, jobs: p.jobs },
            "recycling the Python worker process (PRAISONAI_SVC_PYTHON_MAX_JOBS)",
          );
          retire(p);
        } else offer(p);
      });
      return result;
    },
    async close() {
      closed = true;
      idle.length = 0;
      await Promise.all([...live].map((p) => p.close(opts.killGraceMs)));
      live.clear();
    },
  };
}
