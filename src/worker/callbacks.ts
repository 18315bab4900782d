// Signed job callbacks, sent by the worker once a job is finished. The job's queue message carries the
// retries: it is deleted when the receiver answers 2xx and otherwise made visible again after a backoff, so
// a callback survives a crash or restart of the worker that committed the job (delivered at least once).
import type { JobLogger } from "../app/handler.js";
import { LeaseLostError } from "../errors.js";
import type { JobQueue, JobRecord, QueueMessage } from "../storage/types.js";
import { webhookHeaders } from "../util/standard-webhooks.js";

/** Longest one callback POST may take (connect, send and the status line). */
export const CALLBACK_TIMEOUT_MS = 10_000;
/** Longest wait between two tries. */
const MAX_RETRY_DELAY_MS = 3600_000;

export interface CallbackOptions {
  queue: JobQueue;
  /** The Standard Webhooks secret (`whsec_…`). */
  secret: string;
  /** Whether a URL's host is (still) on the allow list; it was checked at submit, the list may have changed since. */
  allowed(url: URL): boolean;
  /** The job as GET /jobs/{id} shows it, with a fresh download link: the body of the POST. */
  render(job: JobRecord): Promise<unknown>;
  /** Time after the job finished during which failed callbacks are retried. */
  retryForMs: number;
  /** First wait before a retry; later waits double. */
  backoffMs: number;
}

export class CallbackSender {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly opts: CallbackOptions) {}

  /**
   * Sends the callback of a finished job in the background (the job and the worker's slot do not wait for
   * the receiver); from here the message is the sender's to delete or hand back.
   */
  send(job: JobRecord, message: QueueMessage, log: JobLogger): void {
    const task = this.#deliver(job, message, log)
      .catch((error: unknown) =>
        // Storage trouble: the message reappears after its visibility timeout and the callback is tried again.
        log.warn(
          { err: error, event: "callback_retry" },
          "callback could not be settled; it will be retried",
        ),
      )
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  /** Waits for the callbacks in flight (each bounded by CALLBACK_TIMEOUT_MS). */
  async close(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #deliver(job: JobRecord, message: QueueMessage, log: JobLogger): Promise<void> {
    const { queue, retryForMs, backoffMs } = this.opts;
    const url = new URL(job.callbackUrl as string);
    // The host only: a callback URL may carry a token in its path or query.
    const where = { host: url.host, status: job.status };
    if (!this.opts.allowed(url)) {
      log.error({ ...where, event: "callback_refused" }, "callback host is no longer allowed; not sent");
      await queue.delete(message);
      return;
    }
    let leased: QueueMessage;
    try {
      // Hidden for as long as the POST may take, so no other worker sends the same callback meanwhile.
      leased = await queue.extend(message, CALLBACK_TIMEOUT_MS + 5000);
    } catch (error) {
      if (error instanceof LeaseLostError) return; // another worker holds the message, and the callback
      throw error;
    }
    const failure = await this.#post(url, job);
    if (failure === undefined) {
      await queue.delete(leased);
      log.info({ ...where, event: "callback_delivered" }, "callback delivered");
      return;
    }
    const elapsed = Math.max(0, Date.now() - job.updatedUtc.getTime());
    // Waits double with the time since the job finished: backoff, backoff, 2×, 4×, … up to an hour.
    const delay = Math.min(Math.max(backoffMs, elapsed), MAX_RETRY_DELAY_MS);
    if (elapsed + delay > retryForMs) {
      await queue.delete(leased);
      log.error(
        { ...where, event: "callback_failed", error: failure },
        "callback failed; retry period over, giving up",
      );
      return;
    }
    await queue.extend(leased, delay);
    log.warn(
      { ...where, event: "callback_retry", error: failure, retryInMs: delay },
      "callback failed; will retry",
    );
  }

  /** POSTs the signed job; undefined on a 2xx answer, else why not. Redirects are never followed. */
  async #post(url: URL, job: JobRecord): Promise<string | undefined> {
    const body = JSON.stringify(await this.opts.render(job));
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "praisonai-svc",
          ...webhookHeaders(this.opts.secret, `${job.id}-${job.status}`, body),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
      });
      await res.body?.cancel();
      return res.ok ? undefined : `the receiver answered ${res.status}`;
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      return cause instanceof Error ? `${cause.name}: ${cause.message}` : "the POST failed";
    }
  }
}
