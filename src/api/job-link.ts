// The job object with a fresh download link: what GET /jobs/{id} answers and what a job's callback carries.
import type { ServiceConfig } from "../config/config.js";
import type { JobRecord, SignedUrl, Storage } from "../storage/types.js";
import { count } from "../telemetry/instruments.js";
import { type JobView, jobView } from "./job-view.js";

/** A fresh read-only link to a done job's file. */
export async function signDownload(
  storage: Storage,
  config: Pick<ServiceConfig, "sasTtlMs">,
  job: JobRecord,
): Promise<SignedUrl> {
  const link = await storage.blobs.sign(job.blobName as string, config.sasTtlMs, {
    contentType: job.contentType ?? "application/octet-stream",
    filename: job.filename,
  });
  count("sasIssued");
  return link;
}

/** The job as its owner sees it; a done job carries a link signed now, so it never arrives stale. */
export async function viewJob(
  storage: Storage,
  config: Pick<ServiceConfig, "sasTtlMs">,
  job: JobRecord,
): Promise<JobView> {
  return jobView(job, job.status === "done" ? (await signDownload(storage, config, job)).url : undefined);
}
