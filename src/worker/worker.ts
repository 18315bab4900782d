// The worker: polls the queue with backoff, runs up to `concurrency` jobs at once, shuts down gracefully.
import { EventEmitter } from "node:events";
import type { ServiceConfig } from "../config/config.js";
import { decodeMessage } from "../jobs/message.js";
import type { HandlerRunner } from "../runner/types.js";
import type { Storage } from "../storage/types.js";
import { sleep } from "../util/time.js";
import { PollBackoff } from "./backoff.js";
import type { CallbackSender } from "./callbacks.js";
import { type ExecutionDeps, executeMessage } from "./execute.js";
import { RetentionSchedule } from "./retention-schedule.js";

export interface WorkerOptions {
  storage: Storage;
  config: ServiceConfig;
  runner: HandlerRunner;
  log: ExecutionDeps["log"];
  /** Sends the callbacks of finished jobs; absent when callbacks are not configured. */
  callbacks?: CallbackSender;
}

export interface WorkerEvents {
  /** A receive or an execution failed unexpectedly (storage trouble); the worker keeps going. */
  error: [error: unknown];
}

export class Worker extends EventEmitter<WorkerEvents> {
  readonly #opts: WorkerOptions;
  readonly #active = new Set<Promise<void>>();
  readonly #stopPolling = new AbortController();
  readonly #shutdown = new AbortController();
  readonly #retention: RetentionSchedule;
  #loop: Promise<void> | undefined;
  #received = 0;

  constructor(opts: WorkerOptions) {
    super();
    this.#opts = opts;
    this.#retention = new RetentionSchedule(opts.storage, opts.config.retentionDays, opts.log);
    // Errors are reported as events; without a listener they must not crash the process.
    this.on("error", () => {});
  }

  /** Starts polling; resolves once `close` has finished. */
  run(): Promise<void> {
    this.#loop ??= this.#poll();
    return this.#loop;
  }

  /** Jobs running now. */
  get running(): number {
    return this.#active.size;
  }

  /** Messages received so far: a change means the queue moved (the depth sampler skips an idle worker). */
  get received(): number {
    return this.#received;
  }

  async #poll(): Promise<void> {
    const { storage, config, log } = this.#opts;
    const backoff = new PollBackoff(config.pollMinMs, config.pollMaxMs);
    const stop = this.#stopPolling.signal;
    const stopped = aborted(stop);
    while (!stop.aborted) {
      const free = config.concurrency - this.#active.size;
      if (free <= 0) {
        await Promise.race([...this.#active, stopped]);
        continue;
      }
      let messages: Awaited<ReturnType<Storage["queue"]["receive"]>>;
      try {
        messages = await storage.queue.receive(free, config.visibilityTimeoutMs);
      } catch (error) {
        log.warn({ err: error }, "receiving from the queue failed; backing off");
        this.emit("error", error);
        await sleep(backoff.next(), stop);
        continue;
      }
      if (stop.aborted) {
        // Received while closing: hand them straight back.
        await Promise.all(messages.map((m) => storage.queue.extend(m, 0).catch(() => {})));
        break;
      }
      if (messages.length === 0) {
        await sleep(backoff.next(), stop);
        continue;
      }
      backoff.reset();
      this.#received += messages.length;
      for (const message of messages) this.#track(message);
    }
  }

  #track(message: Parameters<typeof executeMessage>[1]): void {
    const { storage, config, runner, log, callbacks } = this.#opts;
    const deps: ExecutionDeps = { storage, config, runner, log, callbacks, shutdown: this.#shutdown.signal };
    const task = executeMessage(deps, message)
      .then(() => {})
      .catch((error: unknown) => {
        // Storage trouble mid-job: the message reappears after its visibility timeout and is tried again.
        log.error(
          { err: error, jobId: decodeMessage(message.body), messageId: message.messageId },
          "job execution failed; the message will reappear",
        );
        this.emit("error", error);
      })
      .finally(() => {
        this.#active.delete(task);
        if (!this.#stopPolling.signal.aborted) this.#retention.poke();
      });
    this.#active.add(task);
  }

  /**
   * Stops taking work, waits up to `graceMs` for running jobs, then hands the rest back to the queue.
   * @default graceMs the configured PRAISONAI_SVC_SHUTDOWN_GRACE
   */
  async close(graceMs = this.#opts.config.shutdownGraceMs): Promise<void> {
    this.#stopPolling.abort();
    await this.#loop;
    if (this.#active.size > 0) {
      const timer = setTimeout(() => this.#shutdown.abort(), graceMs);
      while (this.#active.size > 0) await Promise.race([...this.#active]);
      clearTimeout(timer);
    }
    await this.#opts.callbacks?.close();
    await this.#retention.settled();
    await this.#opts.runner.close();
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
