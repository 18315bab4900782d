// Admin routes: review the poison queue and requeue a job from it (behind the API key when keys are set).

import type { FastifyInstance } from "fastify";
import { HttpProblem } from "../../errors.js";
import { POISON_PAGE, parsePoisonRecord, requeuePoisoned } from "../../jobs/poison.js";
import { collectStats, MAX_STATS_JOBS, STATS_WINDOW_HOURS } from "../../jobs/stats.js";
import type { RoutePolicy } from "../../security/route-policy.js";
import type { Storage } from "../../storage/types.js";
import { readJob, unknownJob } from "../job-lookup.js";
import { jobView, jobViewSchema, problemSchema } from "../job-view.js";
import { problem } from "../route-answers.js";

const int = { type: "integer" } as const;
const percentiles = {
  type: "object",
  required: ["median_ms", "p95_ms", "count"],
  properties: { median_ms: { type: ["number", "null"] }, p95_ms: { type: ["number", "null"] }, count: int },
} as const;

/** GET /admin/stats, as `Stats` in src/jobs/stats.ts. */
const statsSchema = {
  type: "object",
  required: ["window", "counts", "per_hour", "duration", "queue_wait", "queue", "truncated"],
  properties: {
    window: {
      type: "object",
      properties: {
        from: { type: "string", format: "date-time" },
        to: { type: "string", format: "date-time" },
        hours: int,
      },
    },
    counts: {
      type: "object",
      description: "Jobs created in the window by their status now, and `total`",
      additionalProperties: int,
    },
    per_hour: {
      type: "array",
      items: {
        type: "object",
        properties: { hour: { type: "string" }, submitted: int, done: int, failed: int },
      },
    },
    duration: percentiles,
    queue_wait: percentiles,
    queue: { type: "object", properties: { depth: int, poison_depth: int } },
    truncated: { type: "boolean" },
  },
} as const;

/** GET /admin/poison-queue: a record is either parsed (job_id, reason…, job) or unreadable (raw). */
const poisonListSchema = {
  type: "object",
  required: ["count", "jobs"],
  properties: {
    count: { type: "integer", description: "Messages in the poison queue" },
    jobs: {
      type: "array",
      items: {
        type: "object",
        required: ["message_id", "job_id"],
        properties: {
          message_id: { type: "string" },
          job_id: { type: ["string", "null"], description: "null: the record could not be read (see raw)" },
          error_msg: { type: "string" },
          retry_count: { type: "integer" },
          failed_utc: { type: "string", format: "date-time" },
          job: { oneOf: [jobViewSchema, { type: "null" }], description: "The job's current state" },
          raw: { type: "string", description: "An unreadable record's first 1000 characters" },
        },
        additionalProperties: true,
      },
    },
  },
} as const;

/** Admin routes see every owner's jobs: only the key named admin may call them. */
const ADMIN: RoutePolicy = { access: "admin", rate: "read", storage: true };

export async function adminRoutes(api: FastifyInstance, { storage }: { storage: Storage }) {
  api.get<{ Querystring: { hours?: string } }>(
    "/admin/stats",
    {
      config: { policy: ADMIN },
      schema: {
        summary: "Operating figures",
        description: `Over the last \`hours\` (default ${STATS_WINDOW_HOURS.default}, at most ${STATS_WINDOW_HOURS.max}; the current hour counts as one): jobs created by status now, per hour, median and p95 run time and queue wait, and the queue and poison-queue depths. Covers the newest ${MAX_STATS_JOBS} jobs of the window at most (\`truncated\`).`,
        tags: ["admin"],
        querystring: {
          type: "object",
          properties: { hours: { type: "integer", minimum: 1, maximum: STATS_WINDOW_HOURS.max } },
        },
        response: {
          200: { description: "The figures", content: { "application/json": { schema: statsSchema } } },
          400: problem("`hours` is not a whole number in range"),
        },
      },
    },
    async (request) => {
      const raw = request.query.hours;
      const hours = raw === undefined ? STATS_WINDOW_HOURS.default : Number(raw);
      if (!Number.isInteger(hours) || hours < 1 || hours > STATS_WINDOW_HOURS.max) {
        throw new HttpProblem(400, `hours must be a whole number from 1 to ${STATS_WINDOW_HOURS.max}.`);
      }
      return collectStats(storage, { hours });
    },
  );

  api.get(
    "/admin/poison-queue",
    {
      config: { policy: ADMIN },
      schema: {
        summary: "List poisoned jobs",
        description: `Jobs that failed every delivery (the first ${POISON_PAGE} records of the poison queue), with their current state.`,
        tags: ["admin"],
        response: {
          200: {
            description: "The poison queue's depth and its first records",
            content: { "application/json": { schema: poisonListSchema } },
          },
        },
      },
    },
    async () => {
      const [count, messages] = await Promise.all([storage.poison.count(), storage.poison.peek(POISON_PAGE)]);
      const records = messages.map((m) => ({
        message_id: m.messageId,
        record: parsePoisonRecord(m.body),
        raw: m.body,
      }));
      const jobs = await Promise.all(
        records.map(async ({ message_id, record, raw }) => {
          if (!record) return { message_id, job_id: null, raw: raw.slice(0, 1000) };
          const job = await readJob(storage.jobs, record.job_id);
          return { message_id, ...record, job: job ? jobView(job) : null };
        }),
      );
      return { count, jobs };
    },
  );

  // The action has no body: whatever a client sends (any Content-Type, or none) is read within the body
  // limit and ignored, rather than refused as 400/415 (scoped: only this route loses the parsers).
  await api.register(async (noBody) => {
    noBody.removeAllContentTypeParsers();
    noBody.addContentTypeParser("*", { parseAs: "buffer" }, (_request, _body, done) => done(null, undefined));
    requeueRoute(noBody, storage);
  });
}

function requeueRoute(api: FastifyInstance, storage: Storage): void {
  api.post<{ Params: { id: string } }>(
    "/admin/poison-queue/:id/requeue",
    {
      config: { policy: ADMIN },
      schema: {
        summary: "Requeue a failed job",
        description:
          "Puts a job in `error` back in the queue with zero retries and removes its poison record.",
        tags: ["admin"],
        params: { type: "object", properties: { id: { type: "string", format: "uuid" } }, required: ["id"] },
        response: {
          202: { description: "Requeued", content: { "application/json": { schema: jobViewSchema } } },
          404: {
            description: "Unknown job",
            content: { "application/problem+json": { schema: problemSchema } },
          },
          409: {
            description: "Not failed",
            content: { "application/problem+json": { schema: problemSchema } },
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const job = await readJob(storage.jobs, id);
      if (!job) throw unknownJob(id);
      if (job.status !== "error")
        throw new HttpProblem(409, `Job ${id} is ${job.status}; only failed jobs can be requeued.`);
      const queued = await requeuePoisoned(storage, job);
      return reply.code(202).header("location", `/jobs/${id}`).send(jobView(queued));
    },
  );
}
