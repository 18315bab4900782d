// GET /jobs: the caller's job history, newest first, a page at a time (the admin key sees every owner's).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpProblem } from "../../errors.js";
import type { RoutePolicy } from "../../security/route-policy.js";
import { InvalidCursorError, JOB_STATUSES, type JobStatus, type Storage } from "../../storage/types.js";
import { jobView, ownedJobViewSchema, problemSchema } from "../job-view.js";

/** Jobs per page unless `limit` says otherwise, and the most a page may hold. */
export const HISTORY_PAGE = { default: 20, max: 100 } as const;
const OWNER_MAX = 256;

const LIST: RoutePolicy = { access: "caller", rate: "read", storage: true };

type HistoryQuery = { status?: string; limit?: string; cursor?: string; owner?: string };

export async function historyRoutes(api: FastifyInstance, { storage }: { storage: Storage }) {
  api.get<{ Querystring: HistoryQuery }>(
    "/jobs",
    {
      config: { policy: LIST },
      schema: {
        summary: "List your jobs",
        description: `Your jobs, newest first, ${HISTORY_PAGE.default} per page unless \`limit\` says otherwise (at most ${HISTORY_PAGE.max}). Pass \`next_cursor\` as \`cursor\` for the next page. The admin key sees every owner's jobs, or one owner's with \`owner\`. Items carry no download link: ask \`/jobs/{id}/download\`.`,
        querystring: {
          type: "object",
          properties: {
            status: { type: "string", enum: [...JOB_STATUSES] },
            limit: { type: "integer", minimum: 1, maximum: HISTORY_PAGE.max },
            cursor: { type: "string" },
            owner: {
              type: "string",
              description: "Admin key only: one owner's jobs (e.g. `key:…`, `sub:…`).",
            },
          },
        },
        response: {
          200: {
            description: "A page of jobs",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["jobs", "next_cursor"],
                  properties: {
                    jobs: {
                      type: "array",
                      items: ownedJobViewSchema,
                    },
                    next_cursor: { type: ["string", "null"] },
                  },
                },
              },
            },
          },
          400: { content: { "application/problem+json": { schema: problemSchema } } },
          403: { content: { "application/problem+json": { schema: problemSchema } } },
        },
      },
    },
    async (request, reply) => {
      const query = parseHistoryQuery(request);
      const page = await storage.jobs.list(query).catch((error: unknown) => {
        if (error instanceof InvalidCursorError) throw new HttpProblem(400, error.message);
        throw error;
      });
      const next = page.next === undefined ? null : Buffer.from(page.next).toString("base64url");
      if (next) reply.header("link", `<${nextLink(request, next)}>; rel="next"`);
      return {
        jobs: page.jobs.map((job) =>
          request.isAdmin ? { ...jobView(job), owner: job.owner } : jobView(job),
        ),
        next_cursor: next,
      };
    },
  );
}

function parseHistoryQuery(request: FastifyRequest<{ Querystring: HistoryQuery }>) {
  const { status, limit, cursor, owner } = request.query;
  if (status !== undefined && !JOB_STATUSES.includes(status as JobStatus)) {
    throw new HttpProblem(400, `status must be one of ${JOB_STATUSES.join(", ")}.`);
  }
  const size = limit === undefined ? HISTORY_PAGE.default : Number(limit);
  if (!Number.isInteger(size) || size < 1 || size > HISTORY_PAGE.max) {
    throw new HttpProblem(400, `limit must be a whole number from 1 to ${HISTORY_PAGE.max}.`);
  }
  if (owner !== undefined) {
    if (!request.isAdmin) throw new HttpProblem(403, "Only the admin key may list other owners' jobs.");
    if (owner.length > OWNER_MAX) throw new HttpProblem(400, `owner is at most ${OWNER_MAX} characters.`);
  }
  return {
    // The admin sees every owner's jobs unless it names one; anyone else only their own.
    owner: request.isAdmin ? owner : request.principal,
    status: status as JobStatus | undefined,
    limit: size,
    cursor: cursor === undefined ? undefined : decodeCursor(cursor),
  };
}

function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw new HttpProblem(400, new InvalidCursorError().message);
  return Buffer.from(cursor, "base64url").toString("utf8");
}

function nextLink(request: FastifyRequest, cursor: string): string {
  const url = new URL(request.url, "http://localhost");
  url.searchParams.set("cursor", cursor);
  return `${url.pathname}${url.search}`;
}
