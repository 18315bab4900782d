// Wires the security layer into the API, in the order requests meet it:
// security headers (on every response) → CORS (answers preflights) → authentication → rate limits.
import type { FastifyInstance } from "fastify";
import type { ServiceConfig } from "../config/config.js";
import { createMemoryRateCounter } from "../storage/memory/rate-counter.js";
import type { RateCounter } from "../storage/types.js";
import { installAuth } from "./auth.js";
import { installCors } from "./cors.js";
import { installSecurityHeaders } from "./headers.js";
import { createJwtVerifier } from "./jwt.js";
import { installRateLimit } from "./rate-limit.js";
import { requireRoutePolicies } from "./route-policy.js";

export interface SecurityDeps {
  config: ServiceConfig;
  /** The submission counter every replica shares (from storage). */
  submitCounter: RateCounter;
}

/** Installs every security hook; call it before any route is registered. Throws ConfigError on bad JWT settings. */
export async function installSecurity(
  api: FastifyInstance,
  { config, submitCounter }: SecurityDeps,
): Promise<void> {
  const jwt = createJwtVerifier(config);
  if (config.apiKeys.length === 0 && !jwt) {
    api.log.warn(
      { event: "auth_disabled" },
      "PRAISONAI_SVC_API_KEYS is not set: anyone who can reach the API can submit jobs",
    );
  }
  // Reads are counted per replica, in memory: free, and enough to stop a runaway poller (docs/security.md).
  const reads = createMemoryRateCounter();

  requireRoutePolicies(api);
  installSecurityHeaders(api);
  await installCors(api, config.corsOrigins);
  installAuth(api, { keys: config.apiKeys, jwt });
  await installRateLimit(api, {
    limits: { submit: config.rateLimit, read: config.readRateLimit },
    counters: { submit: submitCounter, read: reads },
    onStoreError: config.rateLimitOnError,
  });
}
