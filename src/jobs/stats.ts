// Operating figures over a recent window: counts by status, jobs per hour, duration and queue wait, queue
// depths. Read along the history index (newest first, stopping at the window's start), so the cost follows
// the jobs in the window, never the jobs stored; past MAX_STATS_JOBS the figures cover the newest ones only.
import { JOB_STATUSES, type JobStatus, type JobSummary, MAX_PAGE, type Storage } from "../storage/types.js";

/** Most jobs one stats call reads (ten pages of the index). */
export const MAX_STATS_JOBS = 10_000;
/** The window a stats call covers unless told, and the longest it may cover (hours). */
export const STATS_WINDOW_HOURS = { default: 24, max: 168 } as const;

const HOUR_MS = 3_600_000;

export interface Percentiles {
  median_ms: number | null;
  p95_ms: number | null;
  /** How many jobs the figures are over. */
  count: number;
}

/** The stats as the API answers them (snake_case, as the job object). */
export interface Stats {
  window: { from: string; to: string; hours: number };
  /** Jobs created in the window, by their status now. */
  counts: Record<JobStatus, number> & { total: number };
  /** One entry per hour of the window, oldest first: jobs created then, and how many of them are done or failed. */
  per_hour: { hour: string; submitted: number; done: number; failed: number }[];
  /** Handler run time of the window's done jobs (claim to commit). */
  duration: Percentiles;
  /** Time from submission to the claim by a worker, of the window's jobs that were claimed. */
  queue_wait: Percentiles;
  queue: { depth: number; poison_depth: number };
  /** True when the window held more than MAX_STATS_JOBS jobs: the figures cover the newest ones. */
  truncated: boolean;
}

export async function collectStats(
  storage: Storage,
  { hours = STATS_WINDOW_HOURS.default, now = new Date() }: { hours?: number; now?: Date } = {},
): Promise<Stats> {
  const from = new Date(Math.floor((now.getTime() - hours * HOUR_MS) / HOUR_MS) * HOUR_MS + HOUR_MS);
  const [{ jobs, truncated }, depth, poisonDepth] = await Promise.all([
    jobsSince(storage, from),
    storage.queue.count(),
    storage.poison.count(),
  ]);
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  const buckets = Array.from({ length: hours }, (_, i) => ({
    hour: new Date(from.getTime() + i * HOUR_MS).toISOString(),
    submitted: 0,
    done: 0,
    failed: 0,
  }));
  const durations: number[] = [];
  const waits: number[] = [];
  for (const job of jobs) {
    counts[job.status]++;
    const bucket = buckets[Math.floor((job.createdUtc.getTime() - from.getTime()) / HOUR_MS)];
    if (bucket) {
      bucket.submitted++;
      if (job.status === "done") bucket.done++;
      if (job.status === "error") bucket.failed++;
    }
    if (job.startedUtc) {
      waits.push(job.startedUtc.getTime() - job.createdUtc.getTime());
      if (job.status === "done") durations.push(job.updatedUtc.getTime() - job.startedUtc.getTime());
    }
  }
  return {
    window: { from: from.toISOString(), to: now.toISOString(), hours },
    counts: { ...counts, total: jobs.length },
    per_hour: buckets,
    duration: percentiles(durations),
    queue_wait: percentiles(waits),
    queue: { depth, poison_depth: poisonDepth },
    truncated,
  };
}

/** The jobs created since `from`, newest first, at most MAX_STATS_JOBS. */
async function jobsSince(storage: Storage, from: Date): Promise<{ jobs: JobSummary[]; truncated: boolean }> {
  const jobs: JobSummary[] = [];
  let cursor: string | undefined;
  for (;;) {
    // One row short of a full response: the row that tells whether more follow still fits in it.
    const page = await storage.jobs.list({ limit: MAX_PAGE - 1, cursor });
    for (const job of page.jobs) {
      if (job.createdUtc < from) return { jobs, truncated: false };
      if (jobs.length >= MAX_STATS_JOBS) return { jobs, truncated: true };
      jobs.push(job);
    }
    if (!page.next) return { jobs, truncated: false };
    cursor = page.next;
  }
}

function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { median_ms: null, p95_ms: null, count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
  return { median_ms: at(0.5), p95_ms: at(0.95), count: values.length };
}
