// The queue message: only a reference to the job, so any payload size fits the 64 KiB message limit.

export interface JobMessage {
  job_id: string;
}

export const encodeMessage = (jobId: string): string =>
  JSON.stringify({ job_id: jobId } satisfies JobMessage);

/** The job id a message names, or undefined for a message this service did not write. */
export function decodeMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Partial<JobMessage>;
    return typeof parsed.job_id === "string" && parsed.job_id !== "" ? parsed.job_id : undefined;
  } catch {
    return undefined;
  }
}
