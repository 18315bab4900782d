// DELETE /jobs/{id}: cancel a job. The answer says who won a race with the worker: 200 and the cancelled job,
// or 409 naming the status the job finished with first.
import type { FastifyInstance } from "fastify";
import { HttpProblem } from "../../errors.js";
import { cancelJob } from "../../jobs/cancel.js";
import type { Storage } from "../../storage/types.js";
import { findJob, unknownJob } from "../job-lookup.js";
import { jobView, jobViewSchema } from "../job-view.js";
import { idParams, problems } from "../route-schemas.js";

export async function cancelRoutes(
  api: FastifyInstance,
  { storage, cancelCheckS }: { storage: Storage; cancelCheckS: number },
): Promise<void> {
  api.delete<{ Params: { id: string } }>(
    "/jobs/:id",
    {
      // Its owner or the admin key; counted like a read (it is one conditional write).
      config: { policy: { access: "caller", rate: "read", storage: true } },
      schema: {
        summary: "Cancel a job",
        description: `A queued job never runs. A running job's handler sees its signal fire within ${cancelCheckS} s and its result, if one arrives, is discarded. Cancelling a cancelled job answers the same again; a finished job (done or error) is 409.`,
        params: idParams,
        response: {
          200: {
            description: "The job, now cancelled",
            content: { "application/json": { schema: jobViewSchema } },
          },
          ...problems(404, 409),
        },
      },
    },
    async (request) => {
      const job = await findJob(storage.jobs, request);
      const result = await cancelJob(storage.jobs, job);
      if (!result) throw unknownJob(job.id);
      if (!result.cancelled) {
        throw new HttpProblem(
          409,
          `Job ${job.id} finished (${result.job.status}) before it could be cancelled.`,
          { extra: { job_status: result.job.status } },
        );
      }
      request.log.info({ event: "job_cancelled", jobId: job.id, was: job.status }, "job cancelled");
      return jobView(result.job);
    },
  );
}
