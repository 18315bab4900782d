// fetch with the service's error model: problem+json (and WordPress's {code, message}) become ApiError,
// a failed connection becomes NetworkError.

export interface FieldError {
  path: string;
  message: string;
}

/** An answer with an error status; `detail` is what the service (or the site) said. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** Seconds from Retry-After, when sent. */
    readonly retryAfterS?: number,
  ) {
    super(detail);
  }

  /** Worth retrying later: the service or the site's link to it is down, or it asked us to slow down. */
  get transient(): boolean {
    return this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/** The request never got an answer (offline, DNS, connection refused, CORS refused). */
export class NetworkError extends Error {}

export async function requestJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { Accept: "application/json", ...init.headers } });
  } catch (cause) {
    throw new NetworkError(cause instanceof Error ? cause.message : String(cause));
  }
  const text = await res.text().catch(() => "");
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.ok) return body as T;
  throw toApiError(res, body);
}

function toApiError(res: Response, body: unknown): ApiError {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const detail =
    typeof b.detail === "string" ? b.detail : typeof b.message === "string" ? b.message : res.statusText;
  const errors = Array.isArray(b.errors)
    ? b.errors
        .filter((e): e is FieldError => !!e && typeof e.path === "string" && typeof e.message === "string")
        .map(({ path, message }) => ({ path, message }))
    : [];
  const retry = Number(res.headers.get("retry-after"));
  return new ApiError(res.status, detail, errors, Number.isFinite(retry) && retry >= 0 ? retry : undefined);
}

/** A URL under a WordPress REST base, which may be pretty (/wp-json/ns/) or plain (?rest_route=/ns/). */
export function restUrl(base: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(base, location.href);
  const route = url.searchParams.get("rest_route");
  if (route !== null) url.searchParams.set("rest_route", route.replace(/\/?$/, "/") + path);
  else url.pathname = url.pathname.replace(/\/?$/, "/") + path;
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}
