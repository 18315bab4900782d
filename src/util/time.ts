// Small timing helpers shared by the worker and the storage retries.

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Calls `fn` until it succeeds, waiting `delaysMs[i]` before try i+2; the last error is rethrown.
 * `retryable` decides which errors are worth another try.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  delaysMs: readonly number[],
  retryable: (error: unknown) => boolean = () => true,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (error) {
      const delay = delaysMs[i];
      if (delay === undefined || !retryable(error)) throw error;
      await sleep(delay);
    }
  }
}

/** Truncates text to at most `maxBytes` of UTF-8, marking the cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  const marker = " …[truncated]";
  const buf = Buffer.from(text, "utf8").subarray(0, maxBytes - Buffer.byteLength(marker));
  // Drop a partial character at the cut.
  return buf.toString("utf8").replace(/\uFFFD$/, "") + marker;
}
