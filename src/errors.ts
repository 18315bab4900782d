// The error hierarchy: every error the framework raises has a stable `code`.
// Every error becomes problem+json in one place (api/problem.ts) and one CLI line in another (cli/main.ts);
// job errors decide retries.

/** Base class of every praisonai-svc error. `code` is stable and safe to match on. */
export class PraisonError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A setting (environment variable or option) has a bad value. The message names the setting. */
export class ConfigError extends PraisonError {
  constructor(message: string) {
    super("CONFIG_INVALID", message);
  }
}

/**
 * Throw from a handler to fail the job at once, without retries.
 * @example throw new NonRetriableError("presentation_title is empty");
 */
export class NonRetriableError extends PraisonError {
  constructor(message: string, options?: ErrorOptions) {
    super("JOB_NON_RETRIABLE", message, options);
  }
}

/** True for a NonRetriableError, also when it comes from another copy of this module. */
export function isNonRetriable(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === "JOB_NON_RETRIABLE";
}

/** Standard reason phrases: a problem's `title` is the same for every answer with its status. */
const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export interface HttpProblemOptions {
  /** Extra members of the problem object (e.g. `errors`, `job_status`). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one HTTP error: a status and a `detail` for the caller, answered as application/problem+json
 * (src/api/problem.ts). Thrown by the API and its security hooks; domain code throws its own errors.
 * @example throw new HttpProblem(409, `Job ${id} is ${status}; only failed jobs can be requeued.`);
 */
export class HttpProblem extends PraisonError {
  readonly status: number;
  readonly title: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, detail: string, opts: HttpProblemOptions = {}) {
    super(`HTTP_${status}`, detail, { cause: opts.cause });
    this.status = status;
    this.title = TITLES[status] ?? (status < 500 ? "Client Error" : "Server Error");
    this.extra = opts.extra ?? {};
    this.headers = opts.headers ?? {};
  }
}

/** A conditional write lost: the entity changed since it was read (HTTP 412 from Table Storage). */
export class ConcurrencyError extends PraisonError {
  constructor(message: string, options?: ErrorOptions) {
    super("STORAGE_CONFLICT", message, options);
  }
}

/** An entity that must not exist yet already does (HTTP 409 from Table Storage). */
export class AlreadyExistsError extends PraisonError {
  constructor(message: string, options?: ErrorOptions) {
    super("STORAGE_EXISTS", message, options);
  }
}

/** The message's pop receipt is no longer valid: the lease on it was lost. */
export class LeaseLostError extends PraisonError {
  constructor(message: string, options?: ErrorOptions) {
    super("QUEUE_LEASE_LOST", message, options);
  }
}

/**
 * Storage could not be reached (network error, timeout, 5xx) after the driver's retries. Drivers throw it
 * at their edge, so nothing above `storage/` knows an SDK's error shapes. Its message may reach an API
 * client (503 with Retry-After), so it names no endpoint; the SDK's error is the `cause`.
 */
export class StorageUnavailableError extends PraisonError {
  /** Seconds a client should wait before retrying (the API's Retry-After). */
  static readonly RETRY_AFTER_S = 5;
  constructor(message = "Storage is unreachable right now; retry later.", options?: ErrorOptions) {
    super("STORAGE_UNAVAILABLE", message, options);
  }
}
