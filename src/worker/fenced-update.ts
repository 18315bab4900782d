// The worker's only way to write a job row: conditional on the ETag it read, retried on transient errors,
// and sure of its outcome even when a response is lost on the way back.
import { ConcurrencyError } from "../errors.js";
import type { JobPatch, JobProgress, JobRecord, JobStore } from "../storage/types.js";
import { withRetries } from "../util/time.js";

/** Table calls and blob uploads: three more tries after 1 s, 3 s and 9 s, so a storage blip of ~13 s costs no job. */
export const STORAGE_RETRY_DELAYS_MS = [1000, 3000, 9000] as const;

/**
 * Writes `patch` if the row is unchanged since `job` was read. Returns the new row, or undefined when another
 * delivery changed the job first. Transient errors are retried after `retryDelaysMs`. A write whose response was lost, then retried, meets its own ETag change
 * (412): the row is read back, and if it already holds the patch the write was ours and counts as done.
 */
export async function fencedUpdate(
  jobs: JobStore,
  job: JobRecord,
  patch: JobPatch,
  { retryDelaysMs = STORAGE_RETRY_DELAYS_MS as readonly number[] } = {},
): Promise<JobRecord | undefined> {
  const retry = <T>(fn: () => Promise<T>) =>
    withRetries(fn, retryDelaysMs, (e) => !(e instanceof ConcurrencyError));
  try {
    return await retry(() => jobs.update(job, patch));
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    const now = await retry(() => jobs.get(job.id));
    return now && holdsPatch(now, patch) ? now : undefined;
  }
}

/** True when every field of `patch` has its patched value in `row`. */
export function holdsPatch(row: JobRecord, patch: JobPatch): boolean {
  return Object.entries(patch).every(([key, want]) => {
    const have = (row as unknown as Record<string, unknown>)[key];
    if (want === undefined) return true;
    if (want === null) return have === undefined;
    if (want instanceof Date) return have instanceof Date && have.getTime() === want.getTime();
    if (key === "progress") return sameProgress(have as JobProgress | undefined, want as JobProgress);
    return have === want;
  });
}

function sameProgress(have: JobProgress | undefined, want: JobProgress): boolean {
  return (
    have !== undefined &&
    have.fraction === want.fraction &&
    have.message === want.message &&
    have.updatedUtc.getTime() === want.updatedUtc.getTime()
  );
}
