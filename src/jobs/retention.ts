// Retention: jobs submitted more than PRAISONAI_SVC_RETENTION_DAYS ago are deleted (row, index rows, dedupe
// keys, payload and result blobs). A sweep reads one page of the history index from the cutoff backwards,
// never the whole table, and the worker runs it at most hourly after work, so an idle service costs nothing.
import type { Storage } from "../storage/types.js";

/** Jobs one sweep looks at, at most. */
export const RETENTION_BATCH = 200;
const DAY_MS = 86_400_000;

export interface SweepResult {
  deleted: number;
  /** Jobs past the cutoff left alone: still queued or running, and touched since the cutoff. */
  kept: number;
  /** The page was full: more expired jobs may wait for the next sweep. */
  full: boolean;
}

export async function sweepExpired(
  storage: Storage,
  {
    retentionDays,
    now = new Date(),
    limit = RETENTION_BATCH,
  }: { retentionDays: number; now?: Date; limit?: number },
): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const page = await storage.jobs.list({ createdBefore: cutoff, limit });
  let deleted = 0;
  let kept = 0;
  for (const summary of page.jobs) {
    // A job still in flight (a long retry backoff, a held delivery) is not pulled from under its worker.
    const live = summary.status === "queued" || summary.status === "processing";
    if (live && summary.updatedUtc >= cutoff) {
      kept++;
      continue;
    }
    const job = await storage.jobs.get(summary.id);
    await storage.jobs.remove(job ?? summary, job?.dedupeKeys ?? []);
    for (const blob of [job?.payloadBlob, job?.blobName]) if (blob) await storage.blobs.delete(blob);
    deleted++;
  }
  return { deleted, kept, full: page.jobs.length === limit };
}
