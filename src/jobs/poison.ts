// The poison queue: jobs that failed every delivery, kept for review; one can be requeued.
import type { JobRecord, Storage } from "../storage/types.js";
import { encodeMessage } from "./message.js";

/** The record the worker writes to the poison queue. */
export interface PoisonRecord {
  job_id: string;
  error_msg?: string;
  retry_count?: number;
  failed_utc?: string;
}

/** Receive/peek take at most 32 messages per call. */
export const POISON_PAGE = 32;

/** The record of a job that failed every delivery, as the worker writes it. */
export function encodePoisonRecord(r: { jobId: string; errorMsg: string; retryCount: number }): string {
  return JSON.stringify({
    job_id: r.jobId,
    error_msg: r.errorMsg,
    retry_count: r.retryCount,
    failed_utc: new Date().toISOString(),
  } satisfies PoisonRecord);
}

export function parsePoisonRecord(body: string): PoisonRecord | undefined {
  try {
    const r = JSON.parse(body) as PoisonRecord;
    return typeof r?.job_id === "string" ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Puts a failed job back in the queue as new: zero retries, a fresh message, its poison record removed. */
export async function requeuePoisoned(storage: Storage, job: JobRecord): Promise<JobRecord> {
  const queued = await storage.jobs.update(job, {
    status: "queued",
    retryCount: 0,
    releases: 0,
    errorMsg: null,
    messageId: null,
    startedUtc: null,
  });
  await storage.queue.send(encodeMessage(job.id));
  // Remove its poison record if it is among the first page; hand the others straight back.
  const page = await storage.poison.receive(POISON_PAGE, 30_000);
  await Promise.all(
    page.map((m) =>
      parsePoisonRecord(m.body)?.job_id === job.id
        ? storage.poison.delete(m)
        : storage.poison.extend(m, 0).catch(() => {}),
    ),
  );
  return queued;
}
