// Maps Azure SDK errors (RestError) to the framework's storage errors.

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

export function isStatus(error: unknown, ...codes: number[]): boolean {
  const status = statusOf(error);
  return status !== undefined && codes.includes(status);
}
