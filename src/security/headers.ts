// Security headers on every response, errors and 404s included.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isDocsRoute } from "./public-routes.js";

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
    setSecurityHeaders(reply, isDocsRoute(request));
    return payload;
  });
}

/** Sets the headers on one reply; also called for errors Fastify answers before any hook runs (bad URLs). */
export function setSecurityHeaders(reply: FastifyReply, docs = false): FastifyReply {
  reply.header("x-content-type-options", "nosniff");
  reply.header("referrer-policy", "no-referrer");
  reply.header("x-frame-options", "DENY");
  reply.header("content-security-policy", docs ? DOCS_CSP : API_CSP);
  // Job responses carry download links (SAS tokens): no cache may keep them. Docs assets may be cached.
  if (!docs) reply.header("cache-control", "no-store");
  reply.removeHeader("x-powered-by");
  return reply;
}
