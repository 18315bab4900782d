// When the worker sweeps expired jobs: after finishing work, at most once an hour (sooner while a backlog
// of expired jobs remains), one sweep at a time, never in the way of a job. An idle worker never sweeps.
import { sweepExpired } from "../jobs/retention.js";
import type { Storage } from "../storage/types.js";
import type { ExecutionDeps } from "./execute.js";

const HOUR_MS = 3_600_000;
/** The next sweep after a full one: a backlog drains in minutes, yet in small batches. */
const BACKLOG_MS = 5 * 60_000;

export class RetentionSchedule {
  #nextAt = 0;
  #running: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly retentionDays: number,
    private readonly log: ExecutionDeps["log"],
  ) {}

  /** Starts a sweep in the background if one is due; 0 days means keep everything. */
  poke(now = Date.now()): void {
    if (this.retentionDays === 0 || this.#running || now < this.#nextAt) return;
    this.#nextAt = now + HOUR_MS;
    this.#running = sweepExpired(this.storage, { retentionDays: this.retentionDays })
      .then((result) => {
        if (result.full) this.#nextAt = Date.now() + BACKLOG_MS;
        if (result.deleted > 0 || result.full) {
          this.log.info({ event: "retention_sweep", ...result }, "deleted expired jobs");
        }
      })
      .catch((error: unknown) =>
        this.log.warn({ err: error }, "retention sweep failed; trying again in an hour"),
      )
      .finally(() => {
        this.#running = undefined;
      });
  }

  /** Resolves once a running sweep has ended (the worker waits for it on close). */
  async settled(): Promise<void> {
    await this.#running;
  }
}
