// Settings are read once, defaulted in one place, and a bad value names its variable.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { SETTINGS } from "../src/config/settings.js";
import { ConfigError } from "../src/errors.js";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    // Literals, not read from SETTINGS: a default changed in the code (and the README with it) fails here.
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: "0.0.0.0",
      handlers: "",
      maxPayloadBytes: 1_048_576,
      visibilityTimeoutMs: 60_000,
      jobTimeoutMs: 600_000,
      maxDequeue: 3,
      pollMinMs: 1000,
      pollMaxMs: 30_000,
      wakePort: 0,
      concurrency: 1,
      retryBackoffMs: 5000,
      cancelCheckMs: 5000,
      python: "",
      pythonKillGraceMs: 5000,
      pythonMaxJobs: 100,
      retentionDays: 30,
      shutdownGraceMs: 30_000,
      requeueAfterMs: 300_000,
      sasTtlMs: 3_600_000,
      requestTimeoutMs: 30_000,
      maxStreams: 500,
      streamPollMs: 1000,
      streamHeartbeatMs: 15_000,
      logLevel: "info",
      table: "jobs",
      queue: "praison-jobs",
      poisonQueue: "praison-jobs-poison",
      container: "praison-output",
      apiKeys: [],
      jwtSecret: undefined,
      jwtPublicKey: undefined,
      jwtAudience: "",
      jwtIssuer: "",
      jwtMaxAgeMs: 3_600_000,
      docsPublic: true,
      corsOrigins: [],
      rateLimit: 10,
      readRateLimit: 300,
      rateTable: "ratelimits",
      rateLimitOnError: "local",
      trustProxy: 0,
      callbackHosts: [],
      callbackSecret: undefined,
      callbackUrl: "",
      callbackRetryForMs: 86_400_000,
      callbackBackoffMs: 5000,
      insightsConnection: "",
      otlpEndpoint: "",
      traceSampling: 0.1,
      metricsIntervalMs: 60_000,
      depthIntervalMs: 300_000,
      connections: { table: undefined, queue: undefined, blob: undefined },
    });
  });

  it("declares exactly the documented settings, each with its documented default", () => {
    // What the README table shows (test/readme.test.ts holds the README to SETTINGS); a new setting goes here too.
    expect(Object.fromEntries(Object.values(SETTINGS).map((s) => [s.env, s.default]))).toEqual({
      PORT: "8080",
      HOST: "0.0.0.0",
      PRAISONAI_SVC_HANDLERS: "",
      PRAISONAI_SVC_MAX_PAYLOAD_BYTES: "1048576",
      PRAISONAI_SVC_VISIBILITY_TIMEOUT: "60",
      PRAISONAI_SVC_JOB_TIMEOUT: "600",
      PRAISONAI_SVC_MAX_DEQUEUE: "3",
      PRAISONAI_SVC_POLL_MIN: "1",
      PRAISONAI_SVC_POLL_MAX: "30",
      PRAISONAI_SVC_WAKE_PORT: "0",
      PRAISONAI_SVC_CONCURRENCY: "1",
      PRAISONAI_SVC_RETRY_BACKOFF: "5",
      PRAISONAI_SVC_CANCEL_CHECK: "5",
      PRAISONAI_SVC_PYTHON: "",
      PRAISONAI_SVC_PYTHON_KILL_GRACE: "5",
      PRAISONAI_SVC_PYTHON_MAX_JOBS: "100",
      PRAISONAI_SVC_RETENTION_DAYS: "30",
      PRAISONAI_SVC_SHUTDOWN_GRACE: "30",
      PRAISONAI_SVC_REQUEUE_AFTER: "300",
      PRAISONAI_SVC_SAS_TTL: "3600",
      PRAISONAI_SVC_REQUEST_TIMEOUT: "30",
      PRAISONAI_SVC_MAX_STREAMS: "500",
      PRAISONAI_SVC_STREAM_POLL: "1",
      PRAISONAI_SVC_STREAM_HEARTBEAT: "15",
      PRAISONAI_SVC_LOG_LEVEL: "info",
      PRAISONAI_SVC_TABLE: "jobs",
      PRAISONAI_SVC_QUEUE: "praison-jobs",
      PRAISONAI_SVC_POISON_QUEUE: "praison-jobs-poison",
      PRAISONAI_SVC_CONTAINER: "praison-output",
      PRAISONAI_SVC_API_KEYS: "",
      PRAISONAI_SVC_JWT_SECRET: "",
      PRAISONAI_SVC_JWT_PUBLIC_KEY: "",
      PRAISONAI_SVC_JWT_AUDIENCE: "",
      PRAISONAI_SVC_JWT_ISSUER: "",
      PRAISONAI_SVC_JWT_MAX_AGE: "3600",
      PRAISONAI_SVC_DOCS_PUBLIC: "true",
      PRAISONAI_SVC_CORS_ORIGINS: "",
      PRAISONAI_SVC_RATE_LIMIT: "10",
      PRAISONAI_SVC_READ_RATE_LIMIT: "300",
      PRAISONAI_SVC_RATE_TABLE: "ratelimits",
      PRAISONAI_SVC_RATE_LIMIT_ON_ERROR: "local",
      PRAISONAI_SVC_TRUST_PROXY: "false",
      PRAISONAI_SVC_CALLBACK_HOSTS: "",
      PRAISONAI_SVC_CALLBACK_SECRET: "",
      PRAISONAI_SVC_CALLBACK_URL: "",
      PRAISONAI_SVC_CALLBACK_RETRY_FOR: "86400",
      PRAISONAI_SVC_CALLBACK_BACKOFF: "5",
      APPLICATIONINSIGHTS_CONNECTION_STRING: "",
      OTEL_EXPORTER_OTLP_ENDPOINT: "",
      PRAISONAI_SVC_TRACE_SAMPLING: "0.1",
      PRAISONAI_SVC_METRICS_INTERVAL: "60",
      PRAISONAI_SVC_DEPTH_INTERVAL: "300",
    });
  });

  it("lets the per-service connection strings override the account-wide one", () => {
    const c = loadConfig({ AZURE_STORAGE_CONNECTION_STRING: "main", AZURE_QUEUE_CONN_STRING: "queue-only" });
    expect(c.connections).toEqual({ table: "main", queue: "queue-only", blob: "main" });
  });

  it.each([
    ["PRAISONAI_SVC_VISIBILITY_TIMEOUT", "1.5"],
    ["PRAISONAI_SVC_JOB_TIMEOUT", "ten"],
    ["PRAISONAI_SVC_MAX_DEQUEUE", "0"],
    ["PRAISONAI_SVC_CONCURRENCY", "-1"],
    ["PRAISONAI_SVC_MAX_PAYLOAD_BYTES", "1MB"],
    ["PORT", "70000"],
    ["PRAISONAI_SVC_QUEUE", "Bad_Name"],
    ["PRAISONAI_SVC_TABLE", "1jobs"],
    ["PRAISONAI_SVC_LOG_LEVEL", "loud"],
  ])("refuses %s=%s with an error naming the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}=`));
  });

  it("refuses a poll minimum above the maximum", () => {
    expect(() => loadConfig({ PRAISONAI_SVC_POLL_MIN: "10", PRAISONAI_SVC_POLL_MAX: "5" })).toThrow(
      /POLL_MIN.*POLL_MAX/,
    );
  });

  it("documents every setting with a default that parses", () => {
    for (const s of Object.values(SETTINGS)) {
      expect(s.doc.length).toBeGreaterThan(10);
      expect(() => (s.parse as (raw: string, name: string) => unknown)(s.default, s.env)).not.toThrow();
    }
  });
});
