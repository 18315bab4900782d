// Per-client rate limits through @fastify/rate-limit, counted by the RateCounter of each route's declared
// scope: submissions in Table Storage (shared by every replica), everything else in memory (per replica;
// docs/security.md says why). Refused: 429 problem+json with Retry-After and the RateLimit headers
// (draft-ietf-httpapi-ratelimit-headers), checked before the body is read. A limit never turns off: when
// the shared counter is unreachable, each replica counts on its own (or answers 503, if so configured).
import rateLimit, {
  type FastifyRateLimitStore,
  normalizeIP,
  type RateLimitOptions,
} from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HttpProblem, StorageUnavailableError } from "../errors.js";
import { createMemoryRateCounter } from "../storage/memory/rate-counter.js";
import { WINDOW_MS } from "../storage/rate-window.js";
import type { RateCounter, RateDecision } from "../storage/types.js";
import { clientIp } from "./client-ip.js";
import { policyOf, type RateScope } from "./route-policy.js";

/** `local`: count on this replica alone while the shared counter is unreachable; `closed`: answer 503. */
export type OnStoreError = "local" | "closed";

export interface RateLimits {
  /** Per minute and client, by scope; 0 turns that limit off. */
  limits: Record<RateScope, number>;
  counters: Record<RateScope, RateCounter>;
  /** When a counter cannot be reached: count in this process with the same limit (local) or answer 503 (closed). */
  onStoreError: OnStoreError;
}

/** What a 429 says was too many. */
const WHAT: Record<RateScope, string> = { submit: "job submissions", read: "requests" };

export async function installRateLimit(api: FastifyInstance, o: RateLimits): Promise<void> {
  await api.register(rateLimit, {
    global: false, // applied below, by each route's declared scope
    enableDraftSpec: true,
    store: counterStore(api, o),
  });
  const limiters = new Map<RateScope, (request: FastifyRequest, reply: FastifyReply) => Promise<void>>();
  for (const scope of ["submit", "read"] as const) {
    const limit = o.limits[scope];
    if (limit === 0) continue;
    const options: RateLimitOptions & { scope: RateScope } = {
      scope,
      max: limit,
      timeWindow: WINDOW_MS,
      // IPv6 clients per /64: a client usually owns a whole /64 and could rotate through it.
      keyGenerator: (request) => normalizeIP(clientIp(request), 64),
      onExceeded: (request) =>
        request.log.info(
          { event: "rate_limited", ip: clientIp(request), scope, limit },
          "rate limit reached",
        ),
      errorResponseBuilder: (_request, context) =>
        new HttpProblem(
          429,
          `Too many ${WHAT[scope]} from your address: the limit is ${limit} per minute. Retry in ${Math.ceil(context.ttl / 1000)} s.`,
        ),
    };
    const limiter = api.rateLimit(options);
    limiters.set(scope, async (request, reply) => {
      reply.header("ratelimit-policy", `${limit};w=${WINDOW_MS / 1000}`);
      await limiter.call(api, request, reply);
    });
  }
  // One hook for every route, reading its declaration; a request no route matched counts as a read.
  api.addHook("onRequest", async (request, reply) => {
    const scope = policyOf(request)?.rate ?? "read";
    if (scope !== "none") await limiters.get(scope)?.(request, reply);
  });
}

/** The store @fastify/rate-limit counts with: the scope's RateCounter, which counts only the hits it allows. */
function counterStore(api: FastifyInstance, o: RateLimits) {
  // The fallback counts every request (also those the shared counter saw) only while it is in use; a
  // client thus gets at most the limit per replica during an outage, never an unlimited pass.
  const fallback = createMemoryRateCounter();
  return class CounterStore implements FastifyRateLimitStore {
    readonly #scope: RateScope | undefined;
    constructor(params: { scope?: RateScope }) {
      this.#scope = params.scope;
    }
    child(params: object): FastifyRateLimitStore {
      return new CounterStore(params as { scope?: RateScope });
    }
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      _timeWindow: number,
      max: number,
    ): void {
      const scope = this.#scope as RateScope;
      const answer = (d: RateDecision) =>
        // The plugin refuses when current > max and reports max - current as remaining.
        callback(null, { current: d.allowed ? max - d.remaining : max + 1, ttl: d.resetS * 1000 });
      o.counters[scope].hit(`${scope}:${key}`, max).then(answer, (error: unknown) => {
        const local = o.onStoreError === "local";
        api.log.warn(
          {
            event: "rate_limit_unavailable",
            ip: key,
            scope,
            error: (error as Error)?.message,
            on_error: o.onStoreError,
          },
          `rate-limit counter unreachable; ${local ? "counted on this replica alone" : "request refused"}`,
        );
        if (local) return void fallback.hit(`${scope}:${key}`, max).then(answer, callback);
        callback(
          new StorageUnavailableError("The rate-limit counter is unreachable; retry later.", {
            cause: error,
          }),
        );
      });
    }
  };
}
