// Every setting the service reads from the environment: its variable, its default and how it is parsed.
// This table is the one place defaults live; README's configuration table mirrors it.
import { ConfigError } from "../errors.js";
import { parseApiKeys } from "../security/api-keys.js";
import { parseCallbackHosts, parseCallbackSecret } from "../security/callback-policy.js";
import { parseTrustProxy } from "../security/client-ip.js";
import { parseOrigins } from "../security/cors-policy.js";
import { parseJwtPublicKey, parseJwtSecret } from "../security/jwt.js";

type Parse<T> = (raw: string, name: string) => T;

const fail = (name: string, raw: string, expected: string): never => {
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: expected ${expected}.`);
};

/** A number of seconds in [min, max], returned as milliseconds. */
export const seconds =
  (min: number, max: number, { integer = false } = {}): Parse<number> =>
  (raw, name) => {
    const n = Number(raw.trim());
    if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      fail(name, raw, `${integer ? "a whole number of" : "a number of"} seconds from ${min} to ${max}`);
    }
    return Math.round(n * 1000);
  };

export const integer =
  (min: number, max: number): Parse<number> =>
  (raw, name) => {
    const n = Number(raw.trim());
    if (raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
      fail(name, raw, `a whole number from ${min} to ${max}`);
    }
    return n;
  };

export const oneOf =
  <T extends string>(...values: T[]): Parse<T> =>
  (raw, name) =>
    values.includes(raw.trim() as T) ? (raw.trim() as T) : fail(name, raw, `one of ${values.join(", ")}`);

/** An Azure storage resource name: lowercase letters, digits and hyphens (queues, containers). */
export const resourceName: Parse<string> = (raw, name) =>
  /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(raw.trim())
    ? raw.trim()
    : fail(
        name,
        raw,
        "3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
      );

/** An Azure table name: letters and digits, starting with a letter. */
export const tableName: Parse<string> = (raw, name) =>
  /^[A-Za-z][A-Za-z0-9]{2,62}$/.test(raw.trim())
    ? raw.trim()
    : fail(name, raw, "3-63 letters and digits, starting with a letter");

export const text: Parse<string> = (raw) => raw.trim();

/** A fraction from 0 to 1 (a sampling ratio). */
export const fraction: Parse<number> = (raw, name) => {
  const n = Number(raw.trim());
  return raw.trim() !== "" && Number.isFinite(n) && n >= 0 && n <= 1
    ? n
    : fail(name, raw, "a number from 0 to 1");
};

/** An http(s) URL without credentials, query or fragment; empty: unset. */
export const httpUrl: Parse<string> = (raw, name) => {
  const v = raw.trim();
  if (v === "") return "";
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch {}
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
    return fail(
      name,
      raw,
      "an http:// or https:// URL such as http://127.0.0.1:4318 (no credentials: use OTEL_EXPORTER_OTLP_HEADERS)",
    );
  }
  return v.replace(/\/+$/, "");
};

/** An Application Insights connection string; its value is never repeated in an error. */
export const insightsConnection: Parse<string> = (raw, name) => {
  const v = raw.trim();
  if (v === "" || /(^|;)\s*InstrumentationKey=[^;]+/i.test(v)) return v;
  throw new ConfigError(
    `${name} is not valid: expected an Application Insights connection string (InstrumentationKey=...;IngestionEndpoint=...), as shown on the resource's Overview page.`,
  );
};

export const flag: Parse<boolean> = (raw, name) => {
  const v = raw.trim().toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return fail(name, raw, "true or false");
};

export interface Setting<T> {
  env: string;
  default: string;
  parse: Parse<T>;
  doc: string;
}

const setting = <T>(env: string, def: string, parse: Parse<T>, doc: string): Setting<T> => ({
  env,
  default: def,
  parse,
  doc,
});

/** The settings under the PRAISONAI_SVC_ prefix (plus PORT and HOST). */
export const SETTINGS = {
  port: setting("PORT", "8080", integer(0, 65535), "HTTP port of the API."),
  host: setting("HOST", "0.0.0.0", text, "Address the API listens on."),
  handlers: setting(
    "PRAISONAI_SVC_HANDLERS",
    "",
    text,
    "The handlers file a command runs when it names none; empty: `handlers.ts`, then `handlers.js`, then `handlers.py` in the current folder. The scaffolded image sets `dist/handlers.mjs`, compiled by `praisonai-svc build`.",
  ),
  maxPayloadBytes: setting(
    "PRAISONAI_SVC_MAX_PAYLOAD_BYTES",
    "1048576",
    integer(1, 64 * 1024 * 1024),
    "Largest accepted request body, in bytes; larger bodies get 413.",
  ),
  visibilityTimeoutMs: setting(
    "PRAISONAI_SVC_VISIBILITY_TIMEOUT",
    "60",
    seconds(1, 7 * 24 * 3600, { integer: true }),
    "Seconds a received job message stays invisible; renewed while the handler runs.",
  ),
  jobTimeoutMs: setting(
    "PRAISONAI_SVC_JOB_TIMEOUT",
    "600",
    seconds(0.1, 24 * 3600),
    "Seconds a handler may run before its AbortSignal fires and the job fails.",
  ),
  maxDequeue: setting(
    "PRAISONAI_SVC_MAX_DEQUEUE",
    "3",
    integer(1, 100),
    "Deliveries of a job before it moves to the poison queue and becomes `error`.",
  ),
  pollMinMs: setting(
    "PRAISONAI_SVC_POLL_MIN",
    "1",
    seconds(0.01, 3600),
    "First wait, in seconds, after an empty receive.",
  ),
  pollMaxMs: setting(
    "PRAISONAI_SVC_POLL_MAX",
    "30",
    seconds(0.01, 3600),
    "Longest wait, in seconds, between receives on an idle queue (the wait doubles up to it).",
  ),
  wakePort: setting(
    "PRAISONAI_SVC_WAKE_PORT",
    "0",
    integer(0, 65535),
    "Loopback UDP port on which a worker hears that an API on the same machine just enqueued a job, so it receives at once instead of after its backoff; `run` and the deployment's default layout set it. 0: off (polling only).",
  ),
  concurrency: setting(
    "PRAISONAI_SVC_CONCURRENCY",
    "1",
    integer(1, 32),
    "Jobs one worker process runs at once.",
  ),
  python: setting(
    "PRAISONAI_SVC_PYTHON",
    "",
    text,
    "Python interpreter for a `handlers.py`; empty: the project's `.venv/bin/python`, else `python3` on PATH.",
  ),
  pythonKillGraceMs: setting(
    "PRAISONAI_SVC_PYTHON_KILL_GRACE",
    "5",
    seconds(0, 600),
    "Seconds an interrupted (timed-out or cancelled) Python handler may take to stop before its process is killed and replaced.",
  ),
  pythonMaxJobs: setting(
    "PRAISONAI_SVC_PYTHON_MAX_JOBS",
    "100",
    integer(1, 1_000_000),
    "Jobs one Python worker process runs before it is replaced by a fresh one (bounds a leaking handler's memory).",
  ),
  retryBackoffMs: setting(
    "PRAISONAI_SVC_RETRY_BACKOFF",
    "5",
    seconds(0, 3600),
    "Seconds before a failed job is retried; doubles with each failed delivery.",
  ),
  cancelCheckMs: setting(
    "PRAISONAI_SVC_CANCEL_CHECK",
    "5",
    seconds(0.1, 3600),
    "Seconds between a running job's reads of its own row: a cancelled job's signal fires within this time.",
  ),
  shutdownGraceMs: setting(
    "PRAISONAI_SVC_SHUTDOWN_GRACE",
    "30",
    seconds(0, 3600),
    "Seconds a worker waits on SIGTERM for running jobs before releasing them to another worker.",
  ),
  requeueAfterMs: setting(
    "PRAISONAI_SVC_REQUEUE_AFTER",
    "300",
    seconds(1, 7 * 24 * 3600),
    "Seconds a job may stay queued untouched before a read of it enqueues a fresh message (repairs a lost enqueue).",
  ),
  retentionDays: setting(
    "PRAISONAI_SVC_RETENTION_DAYS",
    "30",
    integer(0, 3650),
    "Days a job (its row, dedupe keys, payload and result) is kept after it was submitted; the worker deletes older ones in small hourly batches, and a deployment's lifecycle rule deletes result blobs after as many days. 0 keeps everything.",
  ),
  sasTtlMs: setting(
    "PRAISONAI_SVC_SAS_TTL",
    "3600",
    seconds(60, 7 * 24 * 3600, { integer: true }),
    "Lifetime in seconds of a download link (read-only SAS).",
  ),
  requestTimeoutMs: setting(
    "PRAISONAI_SVC_REQUEST_TIMEOUT",
    "30",
    seconds(1, 600),
    "Seconds the API allows for one request.",
  ),
  maxStreams: setting(
    "PRAISONAI_SVC_MAX_STREAMS",
    "500",
    integer(0, 100_000),
    "Open event streams (GET /jobs/{id}/events) per API replica; beyond it 503 + Retry-After; 0 turns streams off.",
  ),
  streamPollMs: setting(
    "PRAISONAI_SVC_STREAM_POLL",
    "1",
    seconds(0.1, 60),
    "Seconds between reads of a job row that event streams watch (one read per watched job, however many streams).",
  ),
  streamHeartbeatMs: setting(
    "PRAISONAI_SVC_STREAM_HEARTBEAT",
    "15",
    seconds(1, 300),
    "Seconds between keep-alive comments on an open event stream, so proxies do not close it.",
  ),
  logLevel: setting(
    "PRAISONAI_SVC_LOG_LEVEL",
    "info",
    oneOf("fatal", "error", "warn", "info", "debug", "trace", "silent"),
    "Log level of the JSON logs on stdout.",
  ),
  table: setting("PRAISONAI_SVC_TABLE", "jobs", tableName, "Table holding job state."),
  queue: setting("PRAISONAI_SVC_QUEUE", "praison-jobs", resourceName, "Queue of job messages."),
  poisonQueue: setting(
    "PRAISONAI_SVC_POISON_QUEUE",
    "praison-jobs-poison",
    resourceName,
    "Queue that receives the messages of jobs that failed every delivery.",
  ),
  container: setting(
    "PRAISONAI_SVC_CONTAINER",
    "praison-output",
    resourceName,
    "Private blob container holding payloads and results.",
  ),
  // Security (docs/security.md). Secret values never appear in an error message.
  apiKeys: setting(
    "PRAISONAI_SVC_API_KEYS",
    "",
    (raw, name) => parseApiKeys(raw, name),
    "Comma-separated API keys (`key` or `name:key`); when set, every route but /health needs X-API-Key. Several at once let keys rotate.",
  ),
  jwtSecret: setting(
    "PRAISONAI_SVC_JWT_SECRET",
    "",
    (raw, name) => parseJwtSecret(raw, name),
    "HS256 secret shared with WordPress; enables `Authorization: Bearer` tokens (at least 32 bytes).",
  ),
  jwtPublicKey: setting(
    "PRAISONAI_SVC_JWT_PUBLIC_KEY",
    "",
    (raw, name) => parseJwtPublicKey(raw, name),
    "RSA public key (PEM) of the token issuer; enables RS256 `Authorization: Bearer` tokens. Not with PRAISONAI_SVC_JWT_SECRET.",
  ),
  jwtAudience: setting(
    "PRAISONAI_SVC_JWT_AUDIENCE",
    "",
    text,
    "Required `aud` of tokens (required with a JWT key).",
  ),
  jwtIssuer: setting(
    "PRAISONAI_SVC_JWT_ISSUER",
    "",
    text,
    "Required `iss` of tokens (required with a JWT key).",
  ),
  jwtMaxAgeMs: setting(
    "PRAISONAI_SVC_JWT_MAX_AGE",
    "3600",
    seconds(60, 7 * 24 * 3600, { integer: true }),
    "Longest lifetime in seconds a token may have (`exp` after `iat`, or after now); longer-lived tokens get 401.",
  ),
  docsPublic: setting(
    "PRAISONAI_SVC_DOCS_PUBLIC",
    "true",
    flag,
    "Whether /docs and /openapi.json answer without a key (they describe the API, never a job).",
  ),
  corsOrigins: setting(
    "PRAISONAI_SVC_CORS_ORIGINS",
    "",
    (raw, name) => parseOrigins(raw, name),
    "Comma-separated browser origins (https://host[:port], exact match) allowed to call the API; none: no CORS headers.",
  ),
  rateLimit: setting(
    "PRAISONAI_SVC_RATE_LIMIT",
    "10",
    integer(0, 1_000_000),
    "Job submissions per minute per client IP, counted in Table Storage across all replicas; 0 turns it off.",
  ),
  readRateLimit: setting(
    "PRAISONAI_SVC_READ_RATE_LIMIT",
    "300",
    integer(0, 1_000_000),
    "Other requests (status reads, downloads) per minute per client IP, counted per replica; 0 turns it off.",
  ),
  rateTable: setting(
    "PRAISONAI_SVC_RATE_TABLE",
    "ratelimits",
    tableName,
    "Table holding the submission counters (rows expire after two minutes).",
  ),
  rateLimitOnError: setting(
    "PRAISONAI_SVC_RATE_LIMIT_ON_ERROR",
    "local",
    (raw, name) => (raw === "open" ? "local" : oneOf("local", "closed")(raw, name)),
    "When the counter table is unreachable: `local` counts on each replica with the same limit (logged), `closed` answers 503; `open`, the former default, now means `local`.",
  ),
  trustProxy: setting(
    "PRAISONAI_SVC_TRUST_PROXY",
    "false",
    (raw, name) => parseTrustProxy(raw, name),
    "Proxies in front of the API that append to X-Forwarded-For: false, true (1, Container Apps ingress) or a number.",
  ),
  // Job callbacks (docs/callbacks.md): signed POSTs when a job finishes, only to listed hosts.
  callbackHosts: setting(
    "PRAISONAI_SVC_CALLBACK_HOSTS",
    "",
    (raw, name) => parseCallbackHosts(raw, name),
    "Comma-separated hosts (`host` for its default port, or `host:port`) that job callbacks may be sent to; none: callbacks are refused.",
  ),
  callbackSecret: setting(
    "PRAISONAI_SVC_CALLBACK_SECRET",
    "",
    (raw, name) => parseCallbackSecret(raw, name),
    "Standard Webhooks signing secret (`whsec_` + base64 of 24-64 bytes); required with PRAISONAI_SVC_CALLBACK_HOSTS.",
  ),
  callbackUrl: setting(
    "PRAISONAI_SVC_CALLBACK_URL",
    "",
    text, // checked against the allow list by loadConfig
    "Callback URL for jobs submitted without `callback_url`; its host must be on PRAISONAI_SVC_CALLBACK_HOSTS.",
  ),
  callbackRetryForMs: setting(
    "PRAISONAI_SVC_CALLBACK_RETRY_FOR",
    "86400",
    seconds(0, 7 * 24 * 3600),
    "Seconds after a job finishes during which a failed callback is retried (0: one try).",
  ),
  callbackBackoffMs: setting(
    "PRAISONAI_SVC_CALLBACK_BACKOFF",
    "5",
    seconds(0.1, 3600),
    "Seconds before the first callback retry; later waits double, up to an hour.",
  ),
  // Telemetry (docs/monitoring.md): on when either exporter is configured, off (and not loaded) otherwise.
  insightsConnection: setting(
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "",
    insightsConnection,
    "Application Insights connection string; set: traces and metrics go to Azure Monitor (`deploy azure` sets it).",
  ),
  otlpEndpoint: setting(
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "",
    httpUrl,
    "OTLP/HTTP endpoint (e.g. http://127.0.0.1:4318); set: traces and metrics go there as OTLP JSON (`/v1/traces`, `/v1/metrics`).",
  ),
  traceSampling: setting(
    "PRAISONAI_SVC_TRACE_SAMPLING",
    "0.1",
    fraction,
    "Share of traces kept (0 to 1); a job's trace is kept or dropped whole. Metrics are never sampled.",
  ),
  metricsIntervalMs: setting(
    "PRAISONAI_SVC_METRICS_INTERVAL",
    "60",
    seconds(1, 3600),
    "Seconds between metric exports.",
  ),
  depthIntervalMs: setting(
    "PRAISONAI_SVC_DEPTH_INTERVAL",
    "300",
    seconds(1, 24 * 3600),
    "Seconds between samples of the queue and poison-queue depth by a worker with telemetry on (2 storage calls each).",
  ),
} as const;

export type SettingValues = { [K in keyof typeof SETTINGS]: ReturnType<(typeof SETTINGS)[K]["parse"]> };
