// Per-client rate limits: job submissions counted in Table Storage (shared by every replica), status
// reads counted in memory (free; see docs/security.md). 429 problem+json with Retry-After and RateLimit headers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HttpProblem, StorageUnavailableError } from "../errors.js";
import type { RateCounter, RateDecision } from "../storage/types.js";
import { clientIp, rateKeyOf } from "./client-ip.js";
import { policyOf, type RateScope } from "./route-policy.js";

export type OnStoreError = "open" | "closed";

export interface RateLimitOptions {
  /** Job submissions per minute per client; 0 turns the limit off. */
  submitLimit: number;
  /** Status reads per minute per client; 0 turns the limit off. */
  readLimit: number;
  submits: RateCounter;
  reads: RateCounter;
  trustProxy: number;
  /** When the submission counter cannot be reached: let the request through (open) or answer 503 (closed). */
  onStoreError: OnStoreError;
}

/** The route's declared limit; a request no route matched counts as a read. */
function scopeOf(request: FastifyRequest): RateScope | undefined {
  const rate = policyOf(request)?.rate ?? "read";
  return rate === "none" ? undefined : rate;
}

export function installRateLimit(api: FastifyInstance, o: RateLimitOptions): void {
  api.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const scope = scopeOf(request);
    if (!scope) return;
    const limit = scope === "submit" ? o.submitLimit : o.readLimit;
    if (limit === 0) return;
    const ip = clientIp(request, o.trustProxy);
    let decision: RateDecision;
    try {
      decision = await (scope === "submit" ? o.submits : o.reads).hit(`${scope}:${rateKeyOf(ip)}`, limit);
    } catch (error) {
      request.log.warn(
        {
          event: "rate_limit_unavailable",
          ip,
          scope,
          error: (error as Error)?.message,
          on_error: o.onStoreError,
        },
        `rate-limit counter unreachable; request ${o.onStoreError === "open" ? "let through" : "refused"}`,
      );
      if (o.onStoreError === "open") return;
      throw new StorageUnavailableError("The rate-limit counter is unreachable; retry later.", {
        cause: error,
      });
    }
    const headers = rateHeaders(decision);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    if (decision.allowed) return;
    request.log.info({ event: "rate_limited", ip, scope, limit }, "rate limit reached");
    const what = scope === "submit" ? "job submissions" : "requests";
    throw new HttpProblem(
      429,
      `Too many ${what} from your address: the limit is ${limit} per minute. Retry in ${decision.resetS} s.`,
      { headers: { ...headers, "retry-after": String(decision.resetS) } },
    );
  });
}

/** RateLimit-Limit/-Remaining/-Reset (draft-ietf-httpapi-ratelimit-headers) and the policy. */
export function rateHeaders(d: RateDecision): Record<string, string> {
  return {
    "ratelimit-limit": String(d.limit),
    "ratelimit-remaining": String(d.remaining),
    "ratelimit-reset": String(d.resetS),
    "ratelimit-policy": `${d.limit};w=60`,
  };
}
