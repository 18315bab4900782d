// The error hierarchy: every error the framework raises has a stable `code`.
// HTTP errors become problem+json in one place (api/problem.ts); job errors decide retries.

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

/** An error with an HTTP status, turned into application/problem+json by the API. */
export class HttpProblem extends PraisonError {
  readonly status: number;
  readonly title: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    title: string,
    detail: string,
    opts: { extra?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(`HTTP_${status}`, detail, { cause: opts.cause });
    this.status = status;
    this.title = title;
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

/** Storage could not be reached after retries. */
export class StorageUnavailableError extends PraisonError {
  constructor(message: string, options?: ErrorOptions) {
    super("STORAGE_UNAVAILABLE", message, options);
  }
}
