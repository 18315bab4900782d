// SDK retry policies: short, bounded retries for transient faults, and a time limit on every try, so
// an outage (refused connections) or a hang (an account that accepts and never answers) surfaces as a
// 503 within the API's 30 s request budget. Without a limit a call waits forever: the storage SDKs'
// `tryTimeoutInMs` is only a server-side timeout (sent as `?timeout=`), useless when the server is silent,
// and their HTTP client option takes only the legacy client type, so queue and blob calls get a time
// limit for the whole call (all its tries) through an abort signal instead.
import { createDefaultHttpClient, type HttpClient, RestError } from "@azure/core-rest-pipeline";

/** Longest one try of a table call may take; table calls are small. 4 tries stay under 22 s. */
export const TRY_TIMEOUT_MS = 5_000;

/** Longest a whole queue call (every try) may take. */
export const QUEUE_CALL_TIMEOUT_MS = 15_000;

/** Longest a whole blob call may take: a result upload may be tens of MB. */
export const BLOB_CALL_TIMEOUT_MS = 120_000;

/** Call options that abort a storage call after `ms` (the driver reports it as an outage). */
export const within = (ms: number) => ({ abortSignal: AbortSignal.timeout(ms) });

/** Queue and blob clients (@azure/storage-*): 4 tries, 0.2 s doubling up to 3 s. */
export const STORAGE_RETRY = { maxTries: 4, retryDelayInMs: 200, maxRetryDelayInMs: 3000 } as const;

/** Table client (@azure/data-tables, core pipeline): 3 retries, 0.2 s doubling up to 3 s. */
export const TABLE_RETRY = { maxRetries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 3000 } as const;

/**
 * The SDKs' own HTTP client with a time limit on each try (until the response headers arrive). The
 * client aborts a late try with an AbortError, which no retry policy retries; this turns it into the
 * error a dropped connection gives (ETIMEDOUT), which both the storage and the tables policies retry.
 */
export function timedHttpClient(tryTimeoutMs: number): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    async sendRequest(request) {
      request.timeout = tryTimeoutMs;
      try {
        return await inner.sendRequest(request);
      } catch (error) {
        if ((error as Error)?.name !== "AbortError" || request.abortSignal?.aborted) throw error;
        throw new RestError(`Storage did not answer within ${tryTimeoutMs} ms.`, {
          code: "ETIMEDOUT",
          request,
        });
      }
    },
  };
}
