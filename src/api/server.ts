// Builds the HTTP API: body parsing, problem+json errors, OpenAPI docs and the routes.
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { ServiceApp } from "../app/service-app.js";
import type { ServiceConfig } from "../config/config.js";
import { setSecurityHeaders } from "../security/headers.js";
import { installSecurity } from "../security/install.js";
import type { Storage } from "../storage/types.js";
import { instrumentHttp } from "../telemetry/http.js";
import { createWaker } from "../worker/wake.js";
import { installBodyParsers } from "./body.js";
import { clientErrorHandler } from "./client-error.js";
import { installDeadline } from "./deadline.js";
import { installOpenApi } from "./openapi.js";
import { installProblemHandlers, sendProblem, toProblem } from "./problem.js";
import { installRouteAnswers } from "./route-answers.js";
import { adminRoutes } from "./routes/admin.js";
import { cancelRoutes } from "./routes/cancel.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { eventRoutes } from "./routes/events.js";
import { healthRoutes } from "./routes/health.js";
import { historyRoutes } from "./routes/history.js";
import { jobsRoutes } from "./routes/jobs.js";

export interface ApiOptions {
  app: ServiceApp;
  storage: Storage;
  config: ServiceConfig;
  /** The process logger; omitted: no request logs (tests, benchmarks). */
  log?: FastifyBaseLogger;
  /** The service's version, shown by /health and the docs. @default app.version */
  version?: string;
  /** Request spans and HTTP metrics (telemetry is on). @default false */
  tracing?: boolean;
}

export async function buildApi(opts: ApiOptions): Promise<FastifyInstance> {
  const { app, storage, config, log } = opts;
  const version = opts.version ?? app.version;
  const api = Fastify({
    ...(log ? { loggerInstance: log } : { logger: false }),
    bodyLimit: config.maxPayloadBytes,
    // Slow headers and slow bodies are both cut at the request budget: Node checks its timers every
    // connectionsCheckingInterval (30 s by default), which let such connections live up to twice as long.
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
    },
    clientErrorHandler: clientErrorHandler(config.requestTimeoutMs),
    // request.ip: the socket's peer, or the n-th X-Forwarded-For entry from the end behind n trusted proxies.
    trustProxy: (_address: string, hop: number) => hop < config.trustProxy,
    // Errors before routing (a URL with a malformed %-escape) are problem+json too, not Fastify's own JSON.
    frameworkErrors: (error, _request, reply) =>
      sendProblem(setSecurityHeaders(reply), toProblem(error, config.maxPayloadBytes)),
    genReqId: () => randomUUID(),
    // One log line per request (written in onResponse below) instead of Fastify's two: halves the log cost.
    logController: new LogController({ disableRequestLogging: true }),
    // Route schemas document the API (OpenAPI); payloads are validated by the handler's zod schema instead.
    ajv: { customOptions: { strict: false } },
  });
  api.setValidatorCompiler(() => () => true);
  api.setSerializerCompiler(() => (data) => JSON.stringify(data));

  api.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        // The path only: a query string may hold a key or token sent where it does not belong.
        url: request.url.split("?")[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request",
    );
  });
  if (opts.tracing) instrumentHttp(api);
  installProblemHandlers(api, config.maxPayloadBytes);
  installBodyParsers(api);
  installDeadline(api, config.requestTimeoutMs, config.maxPayloadBytes);
  // Before any route: keys/tokens, rate limits, CORS and security headers apply to every route.
  await installSecurity(api, { config, submitCounter: storage.rateCounter });
  // Every status a route's declaration lets it answer goes into the OpenAPI document (docs/security.md).
  installRouteAnswers(api, {
    auth: config.apiKeys.length > 0 || Boolean(config.jwtSecret || config.jwtPublicKey),
    limits: { submit: config.rateLimit, read: config.readRateLimit },
  });
  await installOpenApi(api, app, config, version);
  await api.register(healthRoutes, { app, version });
  // Wake on submit: a worker on this machine listens on the loopback port (see src/worker/wake.ts).
  const waker = config.wakePort > 0 ? createWaker(config.wakePort) : undefined;
  if (waker) api.addHook("onClose", async () => waker.close());
  await api.register(jobsRoutes, { app, storage, config, onEnqueued: waker?.wake });
  await api.register(cancelRoutes, { storage, cancelCheckS: config.cancelCheckMs / 1000 });
  await api.register(eventRoutes, { storage, config });
  await api.register(historyRoutes, { storage });
  await api.register(adminRoutes, { storage });
  await api.register(dashboardRoutes, { app });
  return api;
}
