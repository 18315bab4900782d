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
  reply.header("x-content-type-options", "nosniff");
  reply.header("referrer-policy", "no-referrer");
  reply.header("x-frame-options", "DENY");
  reply.header("content-security-policy", pageCsp ?? API_CSP);
  // Job responses carry download links (SAS tokens): no cache may keep them. Page assets may be cached.
  if (!pageCsp) reply.header("cache-control", "no-store");
  reply.removeHeader("x-powered-by");
  return reply;
}
