// Maps Azure SDK errors (RestError) to the framework's storage errors.

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

export function isStatus(error: unknown, ...codes: number[]): boolean {
  const status = statusOf(error);
  return status !== undefined && codes.includes(status);
}

/** A storage call that failed for want of storage (network error, timeout, 5xx), not because of the request. */
export function isStorageOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name !== "RestError" && error.name !== "AbortError") return false;
  const status = statusOf(error);
  return status === undefined || status >= 500 || status === 408;
}
