// Keeps a received message invisible while its job runs, always renewing with the newest pop receipt.
import { LeaseLostError } from "../errors.js";
import type { JobQueue, QueueMessage } from "../storage/types.js";

export interface LeaseLogger {
  warn(obj: object, msg: string): void;
}

export class MessageLease {
  #message: QueueMessage;
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> = Promise.resolve();
  readonly #lost = new AbortController();

  constructor(
    private readonly queue: JobQueue,
    message: QueueMessage,
    private readonly visibilityMs: number,
    private readonly log: LeaseLogger,
  ) {
    this.#message = message;
  }

  /** Aborts when the lease is lost for good (the message was taken by another receive or deleted). */
  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  get message(): QueueMessage {
    return this.#message;
  }

  /**
   * Renews every quarter of the visibility timeout, so two renewals in a row may fail and the third still lands
   * a quarter before the message would reappear. (Every third left no margin: the lease starts after the
   * receive, so the third tick came just after the deadline, and a poller could take the message; measured in
   * test/worker-lease.test.ts.)
   */
  start(): this {
    const every = Math.max(200, Math.floor(this.visibilityMs / 4));
    this.#timer = setInterval(() => {
      this.#renewing = this.#renewing.then(() => this.#renew());
    }, every);
    return this;
  }

  async #renew(): Promise<void> {
    if (this.#lost.signal.aborted || this.#timer === undefined) return;
    try {
      this.#message = await this.queue.extend(this.#message, this.visibilityMs);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.#stopTimer();
        this.#lost.abort(error);
      } else {
        // Transient: try again at the next tick; if the lease lapses meanwhile, the commit's ETag check fences us.
        this.log.warn({ err: error, messageId: this.#message.messageId }, "lease renewal failed; will retry");
      }
    }
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stops renewing and waits for a renewal in flight, so `message` holds the newest pop receipt. */
  async stop(): Promise<void> {
    this.#stopTimer();
    await this.#renewing;
  }

  /** Deletes the message: the job is finished. */
  async complete(): Promise<void> {
    await this.stop();
    await this.queue.delete(this.#message);
  }

  /** Hands the message back: visible again after `delayMs`. */
  async release(delayMs: number): Promise<void> {
    await this.stop();
    try {
      this.#message = await this.queue.extend(this.#message, delayMs);
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error;
    }
  }
}
