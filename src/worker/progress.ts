// ctx.progress: what a handler reports is written to the job row at most once per interval, and the last
// value always lands (the delivery's final write carries what the throttle still holds). Unused, it costs nothing.
import type { JobProgress } from "../storage/types.js";
import { truncateUtf8 } from "../util/time.js";

/** Progress writes per job: at most one a second. */
export const PROGRESS_INTERVAL_MS = 1000;
/** A progress message is shown in a widget; a table property could hold 64 KiB, a status line needs far less. */
export const PROGRESS_MESSAGE_MAX_BYTES = 1024;

export class ProgressThrottle {
  #pending: JobProgress | undefined;
  #lastWrite = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly write: (progress: JobProgress) => void,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {}

  /** Validates and records a report; writes it now or at the end of the current interval. */
  report(fraction: number, message?: string): void {
    if (typeof fraction !== "number" || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
      throw new TypeError(
        `ctx.progress(fraction): fraction must be a number from 0 to 1, got ${String(fraction)}`,
      );
    }
    if (message !== undefined && typeof message !== "string") {
      throw new TypeError("ctx.progress(fraction, message): message must be a string");
    }
    if (this.#stopped) return; // the job is ending; its final write is already decided
    this.#pending = {
      fraction,
      message: message === undefined ? undefined : truncateUtf8(message, PROGRESS_MESSAGE_MAX_BYTES),
      updatedUtc: new Date(),
    };
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastWrite + this.intervalMs - Date.now());
    this.#timer = setTimeout(() => this.#flush(), wait);
  }

  #flush(): void {
    this.#timer = undefined;
    const progress = this.#pending;
    this.#pending = undefined;
    if (!progress) return;
    this.#lastWrite = Date.now();
    this.write(progress);
  }

  /** Stops writing; returns the report not yet written, for the job's final write to carry. */
  stop(): JobProgress | undefined {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const progress = this.#pending;
    this.#pending = undefined;
    return progress;
  }
}
