// CORS for the WordPress widget (spec §6 option B): only the configured origins, matched exactly.
// No origin configured: no CORS headers at all. Never `*`, never credentials (the widget sends a
// Bearer token in a header, not cookies).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ConfigError, HttpProblem } from "../errors.js";

export const CORS_METHODS = "GET, POST, OPTIONS";
/** What the widget sends. */
export const CORS_HEADERS = "Content-Type, X-API-Key, Authorization, Idempotency-Key";
/** What the widget may read besides the CORS-safelisted headers. */
const EXPOSED =
  "Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy";
const PREFLIGHT_MAX_AGE_S = "600";

/** PRAISONAI_SVC_CORS_ORIGINS: comma-separated origins such as `https://example.com` (scheme, host, port). */
export function parseOrigins(raw: string, name: string): string[] {
  const origins: string[] = [];
  for (const entry of raw.split(",").map((e) => e.trim())) {
    if (entry === "") continue;
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    const exact =
      url && /^https?:$/.test(url.protocol) && url.origin === entry.replace(/\/$/, "").toLowerCase();
    if (!url || !exact || url.username || url.password) {
      throw new ConfigError(
        `${name}: ${JSON.stringify(entry)} is not an origin; write each as scheme://host[:port] (for example https://www.example.com), with no path and no "*".`,
      );
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}

export function installCors(api: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);

  api.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    // The answer depends on Origin, so caches must keep one copy per origin.
    const vary = reply.getHeader("vary");
    reply.header("vary", vary ? `${String(vary)}, Origin` : "Origin");
    const origin = request.headers.origin;
    const ok = typeof origin === "string" && allowed.has(origin);
    if (ok) {
      reply.header("access-control-allow-origin", origin);
      reply.header("access-control-expose-headers", EXPOSED);
    }
    const preflight = request.method === "OPTIONS" && request.headers["access-control-request-method"];
    if (!preflight) return;
    if (!ok) {
      throw new HttpProblem(
        403,
        "This origin may not call the API from a browser; ask the operator to add it to PRAISONAI_SVC_CORS_ORIGINS.",
      );
    }
    reply
      .code(204)
      .header("access-control-allow-methods", CORS_METHODS)
      .header("access-control-allow-headers", CORS_HEADERS)
      .header("access-control-max-age", PREFLIGHT_MAX_AGE_S);
    return reply.send();
  });
}
