// GET /jobs/{id}/events: the job's status and progress as Server-Sent Events until it is terminal.
// No broker: a shared watcher per job reads its row at a fixed interval while streams are open.
import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { ServiceConfig } from "../../config/config.js";
import { HttpProblem } from "../../errors.js";
import { requeueIfStale } from "../../jobs/repair.js";
import { isTerminal, type JobRecord, type JobStatus, type Storage } from "../../storage/types.js";
import { viewJob } from "../job-link.js";
import { findJob } from "../job-lookup.js";
import { jobViewSchema, progressSchema, progressView } from "../job-view.js";
import { JobWatchers } from "../live/job-watchers.js";
import { formatEvent, HEARTBEAT, retryField, type SseEvent } from "../live/sse.js";
import { idParams, problems, READ } from "../route-schemas.js";

/** What one stream has told its client so far. */
interface Sent {
  status?: JobStatus;
  progressAt?: number;
}

const RECONNECT_MS = 3000;
const RETRY_AFTER_S = 5;

export async function eventRoutes(
  api: FastifyInstance,
  { storage, config }: { storage: Storage; config: ServiceConfig },
): Promise<void> {
  const watchers = new JobWatchers(storage.jobs, config.streamPollMs, api.log);
  /** Closers of the open streams: the cap counts them, shutdown ends them. */
  const open = new Set<() => void>();
  api.addHook("preClose", async () => {
    for (const close of [...open]) close();
  });

  /** The events that tell a client who has seen `sent` about `row`: progress first, the status last. */
  async function eventsFor(row: JobRecord, sent: Sent): Promise<SseEvent[]> {
    const id = String(row.updatedUtc.getTime());
    const events: SseEvent[] = [];
    const progressAt = row.progress?.updatedUtc.getTime();
    if (row.progress && progressAt !== sent.progressAt) {
      events.push({ event: "progress", id, data: progressView(row.progress) });
      sent.progressAt = progressAt;
    }
    if (row.status !== sent.status) {
      events.push({ event: "status", id, data: await viewJob(storage, config, row) });
      sent.status = row.status;
    }
    return events;
  }

  api.get<{ Params: { id: string } }>(
    "/jobs/:id/events",
    {
      config: { policy: READ },
      exposeHeadRoute: false, // a HEAD would hold a stream open for nothing
      schema: {
        summary: "Stream a job's status and progress",
        description: `Server-Sent Events: \`status\` (the job object, as GET /jobs/{id} returns it) and \`progress\` ({fraction, message, updated_utc}) from the current state until the job is done, error or cancelled; then the stream ends. A comment line every ${config.streamHeartbeatMs / 1000} s keeps proxies from closing it. Each event's id is the row's version: send it back as Last-Event-ID to resume without repeats. At most ${config.maxStreams} open streams per replica (503 + Retry-After beyond); polling GET /jobs/{id} is always available.`,
        params: idParams,
        headers: {
          type: "object",
          properties: { "last-event-id": { type: "string", pattern: "^[0-9]{1,16}$" } },
        },
        response: {
          200: {
            description: "The event stream",
            content: {
              "text/event-stream": {
                schema: {
                  type: "object",
                  description: "One of the events (event: status | progress; id: the row version).",
                  oneOf: [jobViewSchema, progressSchema],
                },
              },
            },
          },
          ...problems(400, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const lastSeen = parseLastEventId(request.headers["last-event-id"]);
      let job = await findJob(storage.jobs, request);
      if (open.size >= config.maxStreams) {
        throw new HttpProblem(
          503,
          `This replica already serves ${config.maxStreams} event streams (PRAISONAI_SVC_MAX_STREAMS); retry later or poll GET /jobs/${job.id}.`,
          { headers: { "retry-after": String(RETRY_AFTER_S) } },
        );
      }
      // Like a status read, a stream repairs a queued job whose message was lost.
      job = await requeueIfStale(storage, job, config.requeueAfterMs).catch(() => job);

      const stream = new PassThrough();
      const sent: Sent = {};
      let closed = false;
      let writing: Promise<void> = Promise.resolve();
      const write = (text: string) => {
        if (!closed) stream.write(text);
      };
      const heartbeat = setInterval(() => write(HEARTBEAT), config.streamHeartbeatMs);
      let unsubscribe = () => {};
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(close);
        stream.end();
      };
      /** Sends what changed; ends the stream after a terminal status. Serialized: signing a link is async. */
      const show = (row: JobRecord | undefined) => {
        writing = writing.then(async () => {
          if (closed) return;
          if (!row) return close(); // the job is gone (taken back after a failed enqueue)
          try {
            for (const event of await eventsFor(row, sent)) write(formatEvent(event));
          } catch (error) {
            request.log.warn({ err: error, jobId: row.id }, "could not build an event; the stream ends");
            return close();
          }
          if (isTerminal(row.status)) close();
        });
      };

      open.add(close);
      reply.raw.once("close", close); // the client went away (or the stream ended)
      write(retryField(RECONNECT_MS));
      if (lastSeen !== undefined && job.updatedUtc.getTime() <= lastSeen) {
        // Resumed: the client has this version already.
        sent.status = job.status;
        sent.progressAt = job.progress?.updatedUtc.getTime();
        if (isTerminal(job.status)) close();
      } else show(job);
      if (!closed && !isTerminal(job.status)) unsubscribe = watchers.subscribe(job, show);

      return reply
        .header("content-type", "text/event-stream; charset=utf-8")
        .header("x-accel-buffering", "no") // nginx-style proxies: do not buffer the stream
        .send(stream);
    },
  );
}

/** The version a reconnecting client saw last; a value we never sent is a 400 that says so. */
function parseLastEventId(raw: string | string[] | undefined): number | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === "") return undefined;
  if (!/^[0-9]{1,16}$/.test(value)) {
    throw new HttpProblem(
      400,
      "Last-Event-ID must be the id of an event this stream sent (a whole number); reconnect without it to start over.",
    );
  }
  return Number(value);
}
