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
import { listenForWakes, WAKE_MIN_GAP_MS } from "./wake.js";

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
  /** Ends the current idle sleep early (a wake-up); set while the loop sleeps. */
  #interrupt: (() => void) | undefined;
  /** A wake-up arrived while the loop was not sleeping: skip the next idle sleep once. */
  #woken = false;
  #lastWake = 0;
  #deferredWake: NodeJS.Timeout | undefined;
  #closeWakes: Promise<(() => Promise<void>) | undefined> | undefined;
  #received = 0;

  constructor(opts: WorkerOptions) {
    super();
    this.#opts = opts;
    this.#retention = new RetentionSchedule(opts.storage, opts.config.retentionDays, opts.log);
    // Errors are reported as events; without a listener they must not crash the process.
    this.on("error", () => {});
  }

  /** Starts polling (and, with PRAISONAI_SVC_WAKE_PORT, listening for wake-ups); resolves once `close` has finished. */
  run(): Promise<void> {
    const { config, log } = this.#opts;
    if (config.wakePort > 0 && !this.#closeWakes) {
      this.#closeWakes = listenForWakes(config.wakePort, () => this.wake(), log);
    }
    this.#loop ??= this.#poll();
    return this.#loop;
  }

  /**
   * Look at the queue now rather than at the end of the backoff sleep (a job was just submitted). Never
   * more than one early receive per WAKE_MIN_GAP_MS; an early receive that finds nothing keeps the backoff.
   */
  wake(): void {
    const wait = this.#lastWake + WAKE_MIN_GAP_MS - Date.now();
    if (wait > 0) {
      // Too soon after the last one: one wake-up at the end of the gap stands for all that come meanwhile.
      this.#deferredWake ??= setTimeout(() => {
        this.#deferredWake = undefined;
        this.wake();
      }, wait);
      return;
    }
    this.#lastWake = Date.now();
    if (this.#interrupt) this.#interrupt();
    else this.#woken = true;
  }

  /** The idle wait: the backoff delay, cut short by a wake-up or by close. */
  async #idle(ms: number, stop: AbortSignal): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return;
    }
    const woken = new AbortController();
    this.#interrupt = () => woken.abort();
    try {
      await sleep(ms, AbortSignal.any([stop, woken.signal]));
    } finally {
      this.#interrupt = undefined;
    }
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
        await this.#idle(backoff.next(), stop);
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
    await (await this.#closeWakes)?.();
    clearTimeout(this.#deferredWake);
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
