// SDK retry policies: short, bounded retries for transient faults, so an outage surfaces as a 503
// within the API's 30 s request budget instead of hanging on the SDK defaults.

/** Queue and blob clients (@azure/storage-*): 4 tries, 0.2 s doubling up to 3 s. */
export const STORAGE_RETRY = { maxTries: 4, retryDelayInMs: 200, maxRetryDelayInMs: 3000 } as const;

/** Queue calls are small: a try that takes longer than this is treated as failed and retried. */
export const QUEUE_TRY_TIMEOUT_MS = 10_000;

/** Table client (@azure/data-tables, core pipeline): 3 retries, 0.2 s doubling up to 3 s. */
export const TABLE_RETRY = { maxRetries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 3000 } as const;
