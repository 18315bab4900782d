// Repair on read: a job still `queued` long after its last update may have lost its message
// (an enqueue that failed after the row was written, and whose clean-up failed too). Reading it
// re-enqueues it. No table scan and no idle cost: the widget's polling is what drives the repair.
import { ConcurrencyError } from "../errors.js";
import type { JobRecord, Storage } from "../storage/types.js";
import { encodeMessage } from "./message.js";

/**
 * Re-enqueues `job` if it has been queued for longer than `afterMs`. A duplicate message is harmless
 * (the worker defers or drops it); the conditional touch makes one reader per interval do it.
 */
export async function requeueIfStale(storage: Storage, job: JobRecord, afterMs: number): Promise<JobRecord> {
  if (job.status !== "queued" || Date.now() - job.updatedUtc.getTime() < afterMs) return job;
  let touched: JobRecord;
  try {
    touched = await storage.jobs.update(job, {});
  } catch (error) {
    if (error instanceof ConcurrencyError) return job; // a worker or another reader got there first
    throw error;
  }
  await storage.queue.send(encodeMessage(job.id));
  return touched;
}
