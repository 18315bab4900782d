// The names of every metric the service emits: one place, shared by the instruments, the deploy's alert
// rules (which query these names) and the docs.

/** Metric names. Counters count events; histograms are in seconds; gauges are sampled (see depth.ts). */
export const METRICS = {
  /** Deliveries that ran the handler and ended (done, failed or retrying). Attribute `outcome`. */
  jobsProcessed: "praisonai_svc.jobs.processed",
  /** Jobs committed `done`. */
  jobsSucceeded: "praisonai_svc.jobs.succeeded",
  /** Jobs that became `error` (the handler failed for good, timed out, or every delivery failed). */
  jobsFailed: "praisonai_svc.jobs.failed",
  /** Failed deliveries put back in the queue for another try. */
  jobsRetried: "praisonai_svc.jobs.retried",
  /** Handler run plus upload and commit, in seconds. Attribute `outcome`. */
  jobDuration: "praisonai_svc.job.duration",
  /** Queued (or requeued) until a worker claimed the job, in seconds. */
  queueWait: "praisonai_svc.job.queue_wait",
  /** Records written to the poison queue. */
  poisonAdded: "praisonai_svc.poison.added",
  /** Failed tries to store a result blob (each try of the 1-3-9 s retries counts). */
  blobUploadFailures: "praisonai_svc.blob.upload_failures",
  /** Download links signed (read-only SAS): GET /jobs/{id} of a done job, /download, a job's callback. */
  sasIssued: "praisonai_svc.sas.issued",
  /** Requests answered 401. */
  authFailures: "praisonai_svc.auth.failures",
  /** Requests answered 429. */
  rateLimited: "praisonai_svc.rate_limited",
  /** Approximate messages in the job queue (visible and in flight). */
  queueDepth: "praisonai_svc.queue.depth",
  /** Approximate records in the poison queue. */
  poisonDepth: "praisonai_svc.poison.depth",
  /** OpenTelemetry's standard HTTP server metric: every API request, in seconds. */
  httpDuration: "http.server.request.duration",
} as const;

/** The tracer and meter name (the instrumentation scope). */
export const SCOPE = "praisonai-svc";

/** Attributes the service sets on its own spans and metrics. */
export const ATTR = {
  jobId: "praisonai_svc.job.id",
  attempt: "praisonai_svc.job.attempt",
  deliveries: "praisonai_svc.job.deliveries",
  outcome: "praisonai_svc.job.outcome",
  role: "praisonai_svc.role",
  storageConcern: "praisonai_svc.storage.concern",
} as const;
