// Follows a job until it finishes. StatusSource is the seam: polling today; an SSE source
// (GET /jobs/{id}/events) can replace it without touching the UI.
import type { Job, JobApi } from "./api.js";
import { ApiError, NetworkError } from "./http.js";

export interface WatchHandlers {
  /** Every status read (the UI announces changes). */
  onUpdate(job: Job): void;
  /** A read failed for a passing reason (network, 503, 429); the next try is in `delayS` seconds. */
  onRetry(delayS: number, error: Error): void;
}

export interface StatusSource {
  /** Resolves with the job once it is done or failed; rejects with WatchTimeout, AbortError or a lasting ApiError. */
  watch(jobId: string, handlers: WatchHandlers, signal?: AbortSignal): Promise<Job>;
}

/** The job did not finish within the service's time limit. */
export class WatchTimeout extends Error {}

export interface PollingOptions {
  /** Stop after this long (the service's job timeout plus a margin for queueing). */
  timeoutMs: number;
  /** Waits between reads: sooner at first, then the last value (spec: every 5 s). */
  delaysMs?: readonly number[];
  /** Waits after failed reads, growing; the last value repeats. */
  retryDelaysMs?: readonly number[];
  /** The longest wait while the job runs, so its progress bar moves (the service writes progress at most once a second). */
  runningDelayMs?: number;
}

export const POLL_DELAYS_MS = [1000, 1000, 2000, 3000, 5000] as const;
export const RETRY_DELAYS_MS = [2000, 4000, 8000, 15_000] as const;
/**
 * While a job is processing: a read every 2 s rather than 5 s. Direct mode cannot use the service's event
 * stream cleanly (EventSource sends no Authorization header), and proxy mode has no stream at all; 30 reads a
 * minute per running job stays well inside the service's default 300 reads a minute per address.
 */
export const RUNNING_DELAY_MS = 2000;

/** The n-th wait (0-based) of a schedule whose last value repeats. */
export const nth = (schedule: readonly number[], n: number): number =>
  schedule[Math.min(n, schedule.length - 1)] ?? 5000;

const terminal = (job: Job) => job.status === "done" || job.status === "error" || job.status === "cancelled";
const transient = (e: unknown) => e instanceof NetworkError || (e instanceof ApiError && e.transient);

export function pollingSource(api: Pick<JobApi, "status">, options: PollingOptions): StatusSource {
  const delays = options.delaysMs ?? POLL_DELAYS_MS;
  const retries = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const running = options.runningDelayMs ?? RUNNING_DELAY_MS;
  return {
    async watch(jobId, handlers, signal) {
      const deadline = Date.now() + options.timeoutMs;
      let reads = 0;
      let failures = 0;
      for (;;) {
        signal?.throwIfAborted();
        let wait: number;
        try {
          const job = await api.status(jobId);
          failures = 0;
          handlers.onUpdate(job);
          if (terminal(job)) return job;
          wait = nth(delays, reads++);
          if (job.status === "processing") wait = Math.min(wait, running);
        } catch (error) {
          if (!transient(error)) throw error;
          const asked = error instanceof ApiError ? error.retryAfterS : undefined;
          wait = Math.max(nth(retries, failures++), (asked ?? 0) * 1000);
          handlers.onRetry(Math.round(wait / 1000), error as Error);
        }
        if (Date.now() + wait > deadline) throw new WatchTimeout(`job ${jobId} did not finish in time`);
        await sleep(wait, signal);
      }
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
