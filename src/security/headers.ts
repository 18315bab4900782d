// Security headers on every response, errors and 404s included.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { policyOf } from "./route-policy.js";

/** API responses are JSON: nothing in them may load, run or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * /docs (Swagger UI) loads its own scripts, styles and images and fetches the OpenAPI document;
 * its page has no inline script, so 'self' is enough. Inline styles are allowed because the UI sets them.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function installSecurityHeaders(api: FastifyInstance): void {
  api.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    setSecurityHeaders(reply, policyOf(request)?.page?.csp);
    return payload;
  });
}

/**
 * Sets the headers on one reply; also called for errors Fastify answers before any hook runs (bad URLs).
 * `pageCsp`: the CSP of a route that serves a page (its route policy); JSON answers get API_CSP.
 */
export function setSecurityHeaders(reply: FastifyReply, pageCsp?: string): FastifyReply {
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) reply.header(name, value);
  if (pageCsp) {
    reply.header("content-security-policy", pageCsp);
    reply.removeHeader("cache-control"); // page assets may be cached
  }
  reply.removeHeader("x-powered-by");
  return reply;
}

/** The headers of every JSON answer; also written by hand for errors Node's HTTP parser raises. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy": API_CSP,
  // Job responses carry download links (SAS tokens): no cache may keep them.
  "cache-control": "no-store",
};
