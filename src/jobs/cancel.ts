// Cancelling a job: one conditional write of the terminal status `cancelled`. The row is the truth, so a
// cancel racing a worker's commit is decided by the ETag: exactly one of the two writes lands.
import { ConcurrencyError } from "../errors.js";
import { isTerminal, type JobRecord, type JobStore } from "../storage/types.js";

export type CancelResult =
  /** The job is cancelled now (or already was). */
  | { cancelled: true; job: JobRecord }
  /** The job had finished (done or error) first; it is left as it is. */
  | { cancelled: false; job: JobRecord };

/** Rounds of read-and-write before giving up to a row that keeps changing (progress writes land at most once a second). */
const ROUNDS = 8;

/**
 * Marks `job` cancelled unless it finished first. A queued job's message is then dropped by the worker that
 * receives it; a running job's worker sees the status within PRAISONAI_SVC_CANCEL_CHECK and aborts its handler.
 * Undefined when the job no longer exists.
 */
export async function cancelJob(jobs: JobStore, job: JobRecord): Promise<CancelResult | undefined> {
  let row: JobRecord | undefined = job;
  for (let round = 0; row && round < ROUNDS; round++) {
    if (row.status === "cancelled") return { cancelled: true, job: row };
    if (isTerminal(row.status)) return { cancelled: false, job: row };
    try {
      return { cancelled: true, job: await jobs.update(row, { status: "cancelled" }) };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      row = await jobs.get(job.id); // a worker wrote first (claim, progress or commit): decide on what it wrote
    }
  }
  if (!row) return undefined; // taken back by the API (its enqueue failed): there is nothing to cancel
  throw new ConcurrencyError(`job ${job.id} kept changing while it was being cancelled`);
}
