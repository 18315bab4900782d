// The one CORS rule, shared by the service (@fastify/cors, src/security/cors.ts) and the deployment's
// Container Apps ingress policy (src/deploy/template/apps.ts): which origins, methods and headers.
// Exact origins only, never `*`; never credentials (the widget sends a key or token in a header, not cookies).
import { ConfigError } from "../errors.js";

export const CORS_METHODS = ["GET", "POST", "DELETE", "OPTIONS"];
/** What the widget sends. */
export const CORS_ALLOWED_HEADERS = [
  "Content-Type",
  "X-API-Key",
  "Authorization",
  "Idempotency-Key",
  "Last-Event-ID",
];
/** What the widget must read besides the CORS-safelisted headers: where the job is, and when to retry. */
export const CORS_EXPOSED_HEADERS = [
  "Location",
  "Retry-After",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "RateLimit-Policy",
];
/** Seconds a browser may cache a preflight answer. */
export const CORS_MAX_AGE_S = 600;

/**
 * Comma-separated origins such as `https://example.com` (scheme, host, port). `name` is what the user
 * set (PRAISONAI_SVC_CORS_ORIGINS, --cors-origins); a bad entry is a ConfigError naming it.
 */
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
        `${name} ${JSON.stringify(entry)} is not an origin: write each as scheme://host[:port] (for example https://www.example.com), with no path and no "*".`,
      );
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}
