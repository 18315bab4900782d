// Maps Azure SDK errors (RestError) to the framework's storage errors, at the drivers' edge.
import { StorageUnavailableError } from "../../errors.js";

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

export function isStatus(error: unknown, ...codes: number[]): boolean {
  const status = statusOf(error);
  return status !== undefined && codes.includes(status);
}

/**
 * The answers that mean a message's pop receipt no longer holds: 404 MessageNotFound (Azure, once the
 * receipt is superseded or the message deleted) and 400 PopReceiptMismatch (Azurite, and Azure at times).
 * Any other 400 (e.g. a visibility timeout out of range) is a real error, not a lost lease.
 */
export function isLeaseLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    isStatus(error, 404) ||
    (isStatus(error, 400) && (code === "PopReceiptMismatch" || code === "MessageNotFound"))
  );
}

/** A storage call that failed for want of storage (network error, timeout, 5xx), not because of the request. */
export function isStorageOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name !== "RestError" && error.name !== "AbortError") return false;
  const status = statusOf(error);
  return status === undefined || status >= 500 || status === 408;
}

/**
 * The driver with every method rethrowing an outage as StorageUnavailableError (the SDK error as its
 * cause). Other errors pass unchanged: the drivers already map the answers they expect (404, 409, 412).
 */
export function translateOutages<T extends object>(driver: T): T {
  const methods = driver as Record<string, unknown>;
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods)) {
    wrapped[name] =
      typeof method === "function"
        ? async (...args: unknown[]) => {
            try {
              return await method.apply(driver, args);
            } catch (error) {
              throw isStorageOutage(error) ? new StorageUnavailableError(undefined, { cause: error }) : error;
            }
          }
        : method;
  }
  return wrapped as T;
}
