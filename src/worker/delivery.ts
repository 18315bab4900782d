// One delivery of a job, and the only four ways it can end: commit the file, fail the job, retry it later,
// or release it to another worker. Every way writes the row conditionally on the version this delivery
// holds, then settles the message; a delivery that lost the job to a newer one changes nothing.
import type { JobFile, JobLogger } from "../app/handler.js";
import type { ServiceConfig } from "../config/config.js";
import { encodePoisonRecord } from "../jobs/poison.js";
import { deleteUncommittedResults, resultBlobName } from "../jobs/result-blobs.js";
import { type JobPatch, type JobRecord, MAX_VISIBILITY_MS, type Storage } from "../storage/types.js";
import { count } from "../telemetry/instruments.js";
import { sanitizeFilename } from "../util/content-disposition.js";
import { truncateUtf8, withRetries } from "../util/time.js";
import type { CallbackSender } from "./callbacks.js";
import { fencedUpdate, STORAGE_RETRY_DELAYS_MS } from "./fenced-update.js";
import { HeldRow } from "./held-row.js";
import type { MessageLease } from "./lease.js";
import { ProgressThrottle } from "./progress.js";

/** ErrorMsg is capped: a table property holds 64 KiB at most, and a client reads it on every poll. */
export const ERROR_MSG_MAX_BYTES = 10_000;

export type Outcome =
  | "done" // committed
  | "retrying" // failed, will be delivered again
  | "failed" // terminal error committed
  | "skipped" // nothing to do: a finished job, an unknown job, or a claim lost to another worker
  | "deferred" // a duplicate message while another delivery runs the job
  | "lost" // the lease or the claim was lost: another delivery owns the job now
  | "released" // shutdown: handed back to another worker
  | "cancelled"; // cancelled by a client while queued or running; any result was discarded

/** The wait before delivery `deliveries + 1`: doubling from the backoff, never past the queue's visibility limit. */
export function retryDelayMs(backoffMs: number, deliveries: number): number {
  return Math.min(backoffMs * 2 ** Math.max(0, deliveries - 1), MAX_VISIBILITY_MS);
}

export class Delivery {
  /** The row as this delivery last wrote or read it: the ETag every write is conditional on. */
  readonly row: HeldRow;
  readonly #progress: ProgressThrottle;

  constructor(
    private readonly storage: Storage,
    private readonly config: ServiceConfig,
    private readonly log: JobLogger,
    job: JobRecord,
    /** The message, kept invisible while the job runs; the commit, failure, retry or release settles it. */
    readonly lease: MessageLease,
    /** Real deliveries of the job so far, this one included (shutdown releases do not count). */
    readonly deliveries: number,
    /** Sends the job's callback once it is finished; absent when callbacks are not configured. */
    private readonly callbacks?: CallbackSender,
  ) {
    this.row = new HeldRow(storage.jobs, job, log);
    this.#progress = new ProgressThrottle((progress) => this.row.write({ progress }));
  }

  get job(): JobRecord {
    return this.row.current;
  }

  /** ctx.progress: throttled writes to the row; throws a TypeError for a fraction outside 0..1. */
  progress(fraction: number, message?: string): void {
    this.#progress.report(fraction, message);
  }

  /** Stops progress and the row's watch; returns the row to write on and the report still to land. */
  async #settle(): Promise<{ job: JobRecord; progress: JobPatch }> {
    const pending = this.#progress.stop();
    const job = await this.row.settle();
    return { job, progress: pending ? { progress: pending } : {} };
  }

  /** Stores the file under this attempt's name and commits `done`; a cancel or a newer delivery's claim wins. */
  async commit(file: JobFile<Buffer>, ms: number): Promise<Outcome> {
    const { storage, log } = this;
    const { job, progress } = await this.#settle();
    const filename = sanitizeFilename(file.filename);
    const blobName = resultBlobName(job.id, job.attempt, filename);
    await withRetries(
      () =>
        storage.blobs.put(blobName, file.data, { contentType: file.contentType, filename }).catch((error) => {
          count("blobUploadFailures"); // each failed try: the alert on upload failures counts these
          throw error;
        }),
      STORAGE_RETRY_DELAYS_MS,
    );
    const patch: JobPatch = {
      ...progress,
      status: "done",
      blobName,
      filename,
      contentType: file.contentType,
      size: file.data.byteLength,
      errorMsg: null,
    };
    const committed = await fencedUpdate(storage.jobs, job, patch);
    if (!committed) {
      await storage.blobs.delete(blobName).catch(() => {});
      const cancelled = await this.#cancelledRow();
      if (cancelled) return this.cancelled(cancelled);
      log.warn({ attempt: job.attempt }, "late result discarded: the job was claimed by a newer delivery");
      return "lost";
    }
    // Committed: from here on the job is done whatever happens to its message.
    log.info(
      { attempt: job.attempt, ms: Math.round(ms), size: file.data.byteLength, outcome: "done" },
      "job done",
    );
    await this.#finish(committed);
    return "done";
  }

  /** Fails the job for good; `poison` also leaves a record in the poison queue for review. */
  async fail(
    message: string,
    { retryCount, poison }: { retryCount: number; poison: boolean },
  ): Promise<Outcome> {
    const { storage, log } = this;
    const { job, progress } = await this.#settle();
    const errorMsg = truncateUtf8(message, ERROR_MSG_MAX_BYTES);
    const failed = await fencedUpdate(storage.jobs, job, {
      ...progress,
      status: "error",
      errorMsg,
      retryCount,
    });
    if (!failed) {
      const cancelled = await this.#cancelledRow();
      if (cancelled) return this.cancelled(cancelled);
      log.warn({}, "job changed before its failure was recorded; leaving it to the newer delivery");
      return "lost";
    }
    log.error({ retryCount, poison, error: errorMsg, outcome: "failed" }, "job failed");
    if (poison) {
      // The row already says error; the record is for review. Without it the job is still failed, never lost.
      const record = encodePoisonRecord({ jobId: job.id, errorMsg, retryCount });
      await withRetries(() => storage.poison.send(record), STORAGE_RETRY_DELAYS_MS).then(
        () => count("poisonAdded"),
        (error: unknown) =>
          log.error({ err: error }, "could not write the poison record; the job is failed all the same"),
      );
    }
    await this.#finish(failed);
    return "failed";
  }

  /** Puts the job back to `queued` with the error, and the message back after a doubling backoff. */
  async retry(message: string): Promise<Outcome> {
    const { deliveries, log } = this;
    const { job, progress } = await this.#settle();
    const errorMsg = truncateUtf8(message, ERROR_MSG_MAX_BYTES);
    const patch: JobPatch = {
      ...progress,
      status: "queued",
      errorMsg,
      retryCount: deliveries,
      messageId: null,
    };
    if (!(await fencedUpdate(this.storage.jobs, job, patch))) {
      const cancelled = await this.#cancelledRow();
      return cancelled ? this.cancelled(cancelled) : "lost";
    }
    const delay = retryDelayMs(this.config.retryBackoffMs, deliveries);
    await this.lease.release(delay);
    log.warn(
      { retryCount: deliveries, retryInMs: delay, error: errorMsg, outcome: "retrying" },
      "job failed; will retry",
    );
    return "retrying";
  }

  /** Shutdown: hands the job back at once, without counting this delivery against the limit. */
  async release(): Promise<Outcome> {
    const { job, progress } = await this.#settle();
    // One try (no 1-3-9 s retries): the grace period is over. If it fails the message reappears anyway.
    const patch: JobPatch = { ...progress, status: "queued", releases: job.releases + 1, messageId: null };
    if (!(await fencedUpdate(this.storage.jobs, job, patch, { retryDelaysMs: [] }))) {
      const cancelled = await this.#cancelledRow();
      return cancelled ? this.cancelled(cancelled) : "lost";
    }
    await this.lease.release(0);
    this.log.warn({ outcome: "released" }, "shutting down: job handed back to the queue");
    return "released";
  }

  /**
   * The job was cancelled by a client: nothing is written (the row says so already); the message goes, or
   * carries the job's callback. `row` is the cancelled row when the caller has read it.
   */
  async cancelled(row?: JobRecord): Promise<Outcome> {
    await this.#settle();
    this.log.info(
      { attempt: this.job.attempt, outcome: "cancelled" },
      "job cancelled; its result is discarded",
    );
    const now = row ?? (await this.#cancelledRow()) ?? { ...this.job, status: "cancelled" as const };
    await this.#finish(now);
    return "cancelled";
  }

  /** After a write met a changed row: the row, if the change was a cancel. */
  async #cancelledRow(): Promise<JobRecord | undefined> {
    const now = await this.storage.jobs.get(this.job.id).catch(() => undefined);
    return now?.status === "cancelled" ? now : undefined;
  }

  /** A finished job keeps only its committed file; best effort (the container's lifecycle rule is the backstop). */
  async #deleteUncommittedResults(finished: JobRecord): Promise<void> {
    try {
      const deleted = await deleteUncommittedResults(this.storage.blobs, finished);
      if (deleted.length > 0) this.log.info({ deleted }, "deleted result files no commit names");
    } catch (error) {
      this.log.warn({ err: error }, "could not delete result files no commit names");
    }
  }

  /**
   * Deletes the message of a finished job; if that fails, its next delivery finds the job finished and deletes it.
   * A job with a callback keeps its message until the callback is delivered (the sender settles it).
   */
  async #finish(finished: JobRecord): Promise<void> {
    await this.#deleteUncommittedResults(finished);
    if (finished.callbackUrl && this.callbacks) {
      await this.lease.stop();
      this.callbacks.send(finished, this.lease.message, this.log);
      return;
    }
    if (finished.callbackUrl) {
      this.log.warn(
        { event: "callback_not_sent" },
        "the job has a callback but this worker has no PRAISONAI_SVC_CALLBACK_SECRET; not sent",
      );
    }
    try {
      await this.lease.complete();
    } catch (error) {
      this.log.warn({ err: error }, "could not delete the message of a finished job; its next delivery will");
    }
  }
}
