// The answers every route can give because of what it declares (src/security/route-policy.ts), added to its
// OpenAPI `response` map: keys → 401/403, a rate limit → 429, storage → 503, a body → 400/413/415, a path
// parameter → 400/414. The same declaration drives authentication, limits and the deadline, so the document
// cannot drift from them and a new route is described as soon as it is declared.
import type { FastifyInstance, RouteOptions } from "fastify";
import type { RateScope, RoutePolicy } from "../security/route-policy.js";
import { problemSchema } from "./job-view.js";

export interface AnswerSettings {
  /** API keys or tokens are configured: routes that are not public answer 401 (and admin routes 403). */
  auth: boolean;
  /** Requests per minute per scope; 0: that limit is off, so no 429. */
  limits: Record<RateScope, number>;
}

type Headers = Record<string, { description: string; schema: Record<string, unknown> }>;

/** A problem+json answer, with the headers it carries. */
export const problem = (description: string, headers?: Headers) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/problem+json": { schema: problemSchema } },
});

const retryAfter = (what: string) => ({
  "retry-after": { description: `Seconds to wait before ${what}.`, schema: { type: "integer", minimum: 0 } },
});

const RATE_LIMIT_HEADERS: Headers = {
  ...retryAfter("the limit allows another request"),
  "ratelimit-policy": {
    description: "The limit and its window: `<limit>;w=<seconds>`.",
    schema: { type: "string" },
  },
  "ratelimit-limit": { description: "Requests allowed per window.", schema: { type: "integer" } },
  "ratelimit-remaining": { description: "Requests left in this window.", schema: { type: "integer" } },
  "ratelimit-reset": { description: "Seconds until the window resets.", schema: { type: "integer" } },
};

/** What a route's declaration and shape let it answer besides its own statuses. */
export function derivedAnswers(
  route: Pick<RouteOptions, "url" | "schema">,
  policy: RoutePolicy,
  settings: AnswerSettings,
): Record<number, unknown> {
  const answers: Record<number, unknown> = {};
  if (/[:*]/.test(route.url)) {
    // A path parameter with a malformed %-escape, or a URL longer than Node's request-line limit.
    answers[400] = problem("The request is malformed (e.g. a bad %-escape in the path)");
    answers[414] = problem("The URL is too long");
  }
  if (route.schema?.body) {
    answers[400] = problem("The body is empty or cannot be parsed");
    answers[413] = problem("The body is larger than PRAISONAI_SVC_MAX_PAYLOAD_BYTES");
    answers[415] = problem("The body's Content-Type or Content-Encoding is not accepted");
  }
  if (settings.auth && policy.access !== "public") {
    answers[401] = problem("No valid API key or token", {
      "www-authenticate": { description: "The schemes this service accepts.", schema: { type: "string" } },
    });
    if (policy.access === "admin") answers[403] = problem("The key is not the admin key");
  }
  if (policy.rate !== "none" && settings.limits[policy.rate] > 0) {
    answers[429] = problem("Too many requests from your address", RATE_LIMIT_HEADERS);
  }
  if (policy.storage) {
    answers[503] = problem("Storage is unreachable or did not answer in time", retryAfter("retrying"));
  }
  return answers;
}

/**
 * Adds the derived answers to every documented route's `response` map (a route's own entry for a status
 * wins) and marks public routes as needing no credentials. The OpenAPI document keeps the route options
 * it saw (openapi-document.ts) and reads them when it is first asked for, so this hook's additions are in it.
 */
export function installRouteAnswers(api: FastifyInstance, settings: AnswerSettings): void {
  api.addHook("onRoute", (route: RouteOptions) => {
    const policy = route.config?.policy;
    if (!policy || !route.schema || route.schema.hide) return;
    const schema = route.schema as Record<string, unknown>;
    // No map of its own: @fastify/swagger would have documented a bare 200, so that stays.
    const own = (schema.response ?? { 200: { description: "Default Response" } }) as Record<string, unknown>;
    schema.response = { ...derivedAnswers(route, policy, settings), ...own };
    if (policy.access === "public") schema.security = [];
  });
}
