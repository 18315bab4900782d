// Reading a job by the id a client sent: anything that is not a job id is simply unknown (never a storage query).
import { HttpProblem } from "../errors.js";
import type { JobRecord, JobStore } from "../storage/types.js";

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The job, or undefined for an unknown id or a string that is not a job id. */
export async function readJob(jobs: JobStore, id: string): Promise<JobRecord | undefined> {
  return JOB_ID.test(id) ? jobs.get(id) : undefined;
}

/** 404 problem+json for an id, quoted and cut short so a hostile id cannot bloat or break the answer. */
export function unknownJob(id: string) {
  return new HttpProblem(404, `No job with id ${JSON.stringify(id.slice(0, 64))}.`);
}
