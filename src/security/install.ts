// Wires the security layer into the API, in the order requests meet it:
// security headers (on every response) → CORS (answers preflights) → authentication → rate limits.
import type { FastifyInstance } from "fastify";
import type { ServiceConfig } from "../config/config.js";
import { installAuth } from "./auth.js";
import { installCors } from "./cors.js";
import { installSecurityHeaders } from "./headers.js";
import { createJwtVerifier } from "./jwt.js";
import { createMemoryRateCounter, type RateCounter } from "./rate-counter.js";
import { installRateLimit } from "./rate-limit.js";
import { requireRoutePolicies } from "./route-policy.js";
import { createTableRateCounter } from "./table-rate-counter.js";

export interface SecurityDeps {
  config: ServiceConfig;
  /** The shared submission counter; by default a Table Storage counter on the configured connection. */
  submitCounter?: RateCounter;
}

/** Installs every security hook; call it before any route is registered. Throws ConfigError on bad JWT settings. */
export function installSecurity(api: FastifyInstance, { config, submitCounter }: SecurityDeps): void {
  const jwt = createJwtVerifier(config);
  if (config.apiKeys.length === 0 && !jwt) {
    api.log.warn(
      { event: "auth_disabled" },
      "PRAISONAI_SVC_API_KEYS is not set: anyone who can reach the API can submit jobs",
    );
  }
  const submits = submitCounter ?? sharedCounter(api, config);
  const reads = createMemoryRateCounter();
  api.addHook("onClose", async () => {
    submits.close();
    reads.close();
  });

  requireRoutePolicies(api);
  installSecurityHeaders(api);
  installCors(api, config.corsOrigins);
  installAuth(api, {
    keys: config.apiKeys,
    jwt,
    trustProxy: config.trustProxy,
  });
  installRateLimit(api, {
    submitLimit: config.rateLimit,
    readLimit: config.readRateLimit,
    submits,
    reads,
    trustProxy: config.trustProxy,
    onStoreError: config.rateLimitOnError,
  });
}

function sharedCounter(api: FastifyInstance, config: ServiceConfig): RateCounter {
  const connectionString = config.connections.table;
  if (!connectionString) {
    // Only an API built without a storage connection (embedding, tests) gets here.
    api.log.warn({ event: "rate_limit_local" }, "no table connection: submissions are counted per process");
    return createMemoryRateCounter();
  }
  return createTableRateCounter({
    connectionString,
    tableName: config.rateTable,
    onSweepError: (error) =>
      api.log.warn(
        { event: "rate_limit_sweep_failed", error: (error as Error)?.message },
        "rate-limit clean-up failed",
      ),
  });
}
