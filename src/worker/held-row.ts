// The job row a running delivery holds. Its writes while the handler runs (progress) go one at a time, each
// conditional on the ETag of the one before; a cheap read every PRAISONAI_SVC_CANCEL_CHECK (and any write
// that meets a changed row) notices a cancel or a newer delivery and fires `stopped`.
import { LeaseLostError } from "../errors.js";
import type { JobPatch, JobRecord, JobStore } from "../storage/types.js";
import { fencedUpdate } from "./fenced-update.js";
import { JobCancelledError } from "./job-errors.js";

export interface HeldRowLogger {
  warn(obj: object, msg: string): void;
}

export class HeldRow {
  #row: JobRecord;
  #writing: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  readonly #stopped = new AbortController();

  constructor(
    private readonly jobs: JobStore,
    row: JobRecord,
    private readonly log: HeldRowLogger,
  ) {
    this.#row = row;
  }

  /** The row as this delivery last wrote it: the ETag its next write is conditional on. */
  get current(): JobRecord {
    return this.#row;
  }

  /** Aborts with JobCancelledError when the job was cancelled, LeaseLostError when a newer delivery claimed it. */
  get stopped(): AbortSignal {
    return this.#stopped.signal;
  }

  /** Reads the row every `everyMs` while the handler runs. */
  watch(everyMs: number): this {
    this.#timer = setInterval(() => {
      this.#writing = this.#writing.then(() => this.#check());
    }, everyMs);
    return this;
  }

  /** Queues a conditional write (best effort: a failure is logged, a changed row is examined). */
  write(patch: JobPatch): void {
    this.#writing = this.#writing.then(async () => {
      if (this.#stopped.signal.aborted) return;
      try {
        // One try: progress is not worth holding the queue of writes for 13 s of storage retries.
        const next = await fencedUpdate(this.jobs, this.#row, patch, { retryDelaysMs: [] });
        if (next) this.#row = next;
        else await this.#check();
      } catch (error) {
        this.log.warn({ err: error }, "could not write progress; the next report or the final write will");
      }
    });
  }

  /** Stops watching and waits for writes in flight, so `current` holds the newest ETag. */
  async settle(): Promise<JobRecord> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#writing;
    return this.#row;
  }

  async #check(): Promise<void> {
    if (this.#stopped.signal.aborted) return;
    let now: JobRecord | undefined;
    try {
      now = await this.jobs.get(this.#row.id);
    } catch {
      return; // transient: the next check will tell
    }
    if (!now || now.etag === this.#row.etag) return;
    if (now.status === "cancelled") this.#stopped.abort(new JobCancelledError());
    else if (now.attempt !== this.#row.attempt || now.status !== "processing") {
      this.#stopped.abort(new LeaseLostError(`job ${now.id} was claimed by a newer delivery`));
    }
    // Otherwise the row changed under the same claim (a lost write response): carry on from what it holds.
    else this.#row = now;
  }
}
