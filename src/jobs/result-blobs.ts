// Where a job's result files live: `<job id>/<attempt>/<filename>`, a folder per attempt, beside the payload
// (`<job id>/payload.json`).
import type { BlobStore, JobRecord } from "../storage/types.js";

/** The attempt in the name keeps a fenced-off delivery from overwriting the committed file. */
export const resultBlobName = (jobId: string, attempt: number, filename: string) =>
  `${jobId}/${attempt}/${filename}`;

/**
 * Deletes every result file of a finished job but the one its row names. A delivery whose upload landed but
 * whose commit never did (storage went away between the two, or the upload's answer was lost) cannot clean
 * up after itself: a later attempt finishing the job does. Returns the names deleted.
 */
export async function deleteUncommittedResults(blobs: BlobStore, job: JobRecord): Promise<string[]> {
  // The common path, a first attempt that committed, had no attempt before it: no storage call.
  if (job.status === "done" && job.attempt <= 1) return [];
  const uncommitted = (await blobs.list(`${job.id}/`)).filter(
    (name) => name !== job.blobName && /^\d+$/.test(name.split("/")[1] ?? ""),
  );
  for (const name of uncommitted) await blobs.delete(name);
  return uncommitted;
}
