// The one place any error becomes an HTTP response: application/problem+json (RFC 9457), never a stack trace.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HttpProblem, StorageUnavailableError } from "../errors.js";

export const PROBLEM_TYPE = "application/problem+json";

/** Longest piece of the request (a path, a header) an answer repeats back. */
const MAX_ECHO = 200;

/** `text` cut to MAX_ECHO characters, so an answer never repeats a 10 KB URL back to its sender. */
export const clip = (text: string): string =>
  text.length > MAX_ECHO ? `${Array.from(text.slice(0, MAX_ECHO)).slice(0, -1).join("")}…` : text;

/** Details for Fastify's own client errors, phrased for the person calling the API. */
function fastifyDetail(error: FastifyError, limit: number): string {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return `The request body is larger than the limit of ${limit} bytes.`;
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return "Send the payload as application/json or as YAML (application/yaml, application/x-yaml or text/yaml).";
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return "The request body is empty; send the job payload as JSON or YAML.";
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return "The Content-Length header does not match the body.";
    default:
      return clip(error.message.replace(/^FST_\w+:\s*/, ""));
  }
}

export function sendProblem(reply: FastifyReply, problem: HttpProblem, instance?: string): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  return reply
    .code(problem.status)
    .type(PROBLEM_TYPE)
    .send({
      type: "about:blank",
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      ...(instance ? { instance } : {}),
      ...problem.extra,
    });
}

/** Any error as the problem to answer: HTTP errors as they are, storage outages 503 + Retry-After, Fastify's 4xx explained, anything else 500. */
export function toProblem(error: unknown, bodyLimit: number): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof StorageUnavailableError) {
    return new HttpProblem(503, error.message, {
      headers: { "retry-after": String(StorageUnavailableError.RETRY_AFTER_S) },
    });
  }
  const e = error as FastifyError;
  const status = typeof e?.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) return new HttpProblem(status, fastifyDetail(e, bodyLimit));
  return new HttpProblem(500, "The server failed to handle the request; it has been logged.");
}

/** Installs the error and not-found handlers. */
export function installProblemHandlers(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const p = toProblem(error, bodyLimit);
    if (p.status >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ status: p.status, code: (error as FastifyError).code }, p.message);
    return sendProblem(reply, p, clip(request.url.split("?")[0] ?? ""));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const allowed = allowedMethods(request.server.declaredRoutes ?? [], path);
    if (allowed.length > 0) {
      reply.header("allow", allowed.join(", "));
      return sendProblem(
        reply,
        new HttpProblem(
          405,
          `${request.method} is not allowed on ${clip(path)}; use ${allowed.join(" or ")}.`,
        ),
      );
    }
    return sendProblem(reply, new HttpProblem(404, `No route ${request.method} ${clip(path)}.`));
  });
}

/** The methods the declared routes answer on `path` (a route's `:param` matches one segment, `*` the rest). */
function allowedMethods(routes: readonly { method: string; url: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    const pattern = route.url
      .split(/(:[^/]+|\*)/)
      .map((part) => {
        if (part === "*") return ".*";
        if (part.startsWith(":")) return "[^/]+";
        return part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("");
    if (new RegExp(`^${pattern}$`).test(path)) methods.add(route.method);
  }
  return [...methods].sort();
}
