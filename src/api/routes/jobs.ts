// /jobs routes: submit, read, download.

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServiceApp } from "../../app/service-app.js";
import type { ServiceConfig } from "../../config/config.js";
import { HttpProblem } from "../../errors.js";
import { requeueIfStale } from "../../jobs/repair.js";
import { submitJob } from "../../jobs/submit.js";
import { CALLBACK_URL_MAX, checkCallbackUrl } from "../../security/callback-policy.js";
import type { Storage } from "../../storage/types.js";
import { currentTraceParent } from "../../telemetry/trace.js";
import { YAML_TYPES } from "../body.js";
import { signDownload, viewJob } from "../job-link.js";
import { findJob as getJob } from "../job-lookup.js";
import { jobView, jobViewSchema, ownedJobViewSchema } from "../job-view.js";
import { payloadJsonSchema } from "../openapi.js";
import { idParams, problems, READ } from "../route-schemas.js";
import { validatePayload } from "../validate.js";

const IDEMPOTENCY_KEY_MAX = 255;

export interface JobsRouteDeps {
  app: ServiceApp;
  storage: Storage;
  config: ServiceConfig;
  /** Called after a new job was enqueued (wakes a worker on this machine). */
  onEnqueued?: () => void;
}

export async function jobsRoutes(
  api: FastifyInstance,
  { app, storage, config, onEnqueued }: JobsRouteDeps,
): Promise<void> {
  const definition = app.definition;
  const bodySchema = await payloadJsonSchema(definition.validator, app.options.example);

  const findJob = (request: FastifyRequest<{ Params: { id: string } }>) => getJob(storage.jobs, request);

  api.post(
    "/jobs",
    {
      config: { policy: { access: "caller", rate: "submit", storage: true } },
      schema: {
        summary: "Submit a job",
        description:
          "The body is the payload, as JSON or YAML. The same payload or Idempotency-Key returns the existing job.",
        headers: {
          type: "object",
          properties: {
            "idempotency-key": { type: "string", minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX },
          },
        },
        querystring: {
          type: "object",
          properties: {
            callback_url: {
              type: "string",
              format: "uri",
              maxLength: CALLBACK_URL_MAX,
              description:
                "Receives a signed POST (Standard Webhooks) with the job object once the job is done or failed; its host must be on the service's allow list. Default: the service's PRAISONAI_SVC_CALLBACK_URL.",
            },
          },
        },
        body: {
          content: Object.fromEntries(
            ["application/json", ...YAML_TYPES].map((t) => [t, { schema: bodySchema }]),
          ),
        },
        response: {
          202: {
            description: "Accepted: the new job",
            content: { "application/json": { schema: jobViewSchema } },
          },
          200: {
            description: "The existing job for the same payload or key",
            content: { "application/json": { schema: jobViewSchema } },
          },
          ...problems(400, 413, 415, 422, 503),
        },
        callbacks: {
          jobFinished: {
            "{$request.query.callback_url}": {
              post: {
                requestBody: {
                  description:
                    "The job as GET /jobs/{id} returns it, sent once it is done or failed, at least once. Signed per Standard Webhooks: headers webhook-id (`<job_id>-<status>`, the same on every retry), webhook-timestamp and webhook-signature (`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the service's secret).",
                  content: { "application/json": { schema: jobViewSchema } },
                },
                responses: {
                  "2XX": {
                    description: "Delivered. Any other answer, or none within 10 s, is retried with backoff.",
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const idempotencyKey = header(request, "idempotency-key");
      if (
        idempotencyKey !== undefined &&
        (idempotencyKey === "" || idempotencyKey.length > IDEMPOTENCY_KEY_MAX)
      ) {
        throw new HttpProblem(400, `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX} characters.`);
      }
      const callbackUrl = callbackOf(request, config);
      // No body at all (no Content-Type, no bytes) is the same mistake as an empty JSON body: 400, not 422.
      if (request.body === undefined) {
        throw new HttpProblem(400, "The request body is empty; send the job payload as JSON or YAML.");
      }
      const payload = validatePayload(definition.validator, request.body);
      const { job, created } = await submitJob(
        storage,
        { payload, owner: ownerOf(request), idempotencyKey, callbackUrl, traceParent: currentTraceParent() },
        config.requeueAfterMs,
      );
      if (created) onEnqueued?.();
      return reply
        .code(created ? 202 : 200)
        .header("location", `/jobs/${job.id}`)
        .send(jobView(job));
    },
  );

  api.get<{ Params: { id: string } }>(
    "/jobs/:id",
    {
      config: { policy: READ },
      schema: {
        summary: "Read a job",
        description: "Its owner's, or any job with the admin key (which also sees its `owner`).",
        params: idParams,
        response: {
          200: { description: "The job", content: { "application/json": { schema: ownedJobViewSchema } } },
          ...problems(404),
        },
      },
    },
    async (request) => {
      let job = await findJob(request);
      job = await requeueIfStale(storage, job, config.requeueAfterMs).catch((error: unknown) => {
        request.log.warn({ err: error, jobId: job.id }, "could not re-enqueue a stale queued job");
        return job;
      });
      const view = await viewJob(storage, config, job);
      return request.isAdmin ? { ...view, owner: job.owner } : view;
    },
  );

  api.get<{ Params: { id: string } }>(
    "/jobs/:id/download",
    {
      config: { policy: READ },
      schema: {
        summary: "Download a job's file",
        description: `Redirects (302) to a fresh read-only link valid for ${config.sasTtlMs / 1000} s; with Accept: application/json returns the link instead.`,
        params: idParams,
        response: {
          200: {
            description: "The link (with Accept: application/json)",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    download_url: { type: "string" },
                    expires_at: { type: "string", format: "date-time" },
                  },
                },
              },
            },
          },
          302: {
            description: "Redirect to the file (no body)",
            type: "null",
            headers: {
              location: {
                description: "The read-only link to the file",
                schema: { type: "string", format: "uri" },
              },
            },
          },
          ...problems(404, 409),
        },
      },
    },
    async (request, reply: FastifyReply) => {
      const job = await findJob(request);
      if (job.status !== "done") {
        throw new HttpProblem(
          409,
          `Job ${job.id} is ${job.status}; its file can be downloaded once its status is done.`,
          { extra: { job_status: job.status } },
        );
      }
      const link = await signDownload(storage, config, job);
      if (wantsJson(request)) return { download_url: link.url, expires_at: link.expiresAt.toISOString() };
      return reply.redirect(link.url, 302);
    },
  );
}

/** The job's callback URL: `?callback_url=`, else the service default; refused unless its host is allowed. */
function callbackOf(request: FastifyRequest, config: ServiceConfig): string | undefined {
  const raw = (request.query as Record<string, unknown> | undefined)?.callback_url;
  if (raw === undefined) return config.callbackUrl || undefined;
  if (typeof raw !== "string") throw new HttpProblem(400, "callback_url may be given once.");
  const check = checkCallbackUrl(raw, config.callbackHosts);
  if ("url" in check) return check.url;
  throw new HttpProblem(check.status, check.reason);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function wantsJson(request: FastifyRequest): boolean {
  return (header(request, "accept") ?? "").includes("application/json");
}

/** The authenticated principal (set by src/security/auth.ts); empty while the API runs without keys or tokens. */
export function ownerOf(request: FastifyRequest): string {
  return request.principal;
}
