// Reading a job by the id a client sent: anything that is not a job id is simply unknown (never a storage query).
import type { FastifyRequest } from "fastify";
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

/**
 * The job a request names, if the caller may see it: its owner or the admin key (an on-call engineer opens any
 * job). Anything else is 404, so the ids of other owners' jobs are not confirmed.
 */
export async function findJob(
  jobs: JobStore,
  request: FastifyRequest<{ Params: { id: string } }>,
): Promise<JobRecord> {
  const { id } = request.params;
  const job = await readJob(jobs, id);
  if (!job || (job.owner !== request.principal && !request.isAdmin)) throw unknownJob(id);
  return job;
}
