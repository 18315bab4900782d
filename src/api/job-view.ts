// The job object clients see (snake_case, as in the spec); the WordPress widget and curl users depend on these names.
import { JOB_STATUSES, type JobProgress, type JobStatus, type JobSummary } from "../storage/types.js";

export interface JobView {
  job_id: string;
  status: JobStatus;
  created_utc: string;
  updated_utc: string;
  started_utc: string | null;
  retry_count: number;
  download_url?: string;
  filename?: string;
  content_type?: string;
  size?: number;
  error_msg?: string;
  progress?: { fraction: number; message: string | null; updated_utc: string };
}

/** A job as a client sees it: from its row (with progress) or from a listing's summary (without). */
export function jobView(job: JobSummary & { progress?: JobProgress }, downloadUrl?: string): JobView {
  const view: JobView = {
    job_id: job.id,
    status: job.status,
    created_utc: job.createdUtc.toISOString(),
    updated_utc: job.updatedUtc.toISOString(),
    started_utc: job.startedUtc ? job.startedUtc.toISOString() : null,
    retry_count: job.retryCount,
  };
  if (job.status === "done") {
    if (downloadUrl) view.download_url = downloadUrl;
    view.filename = job.filename;
    view.content_type = job.contentType;
    view.size = job.size;
  }
  if (job.errorMsg && job.status !== "done") view.error_msg = job.errorMsg;
  if (job.progress) view.progress = progressView(job.progress);
  return view;
}

export function progressView(p: JobProgress): NonNullable<JobView["progress"]> {
  return { fraction: p.fraction, message: p.message ?? null, updated_utc: p.updatedUtc.toISOString() };
}

export const progressSchema = {
  type: "object",
  required: ["fraction", "message", "updated_utc"],
  description: "What the handler last reported with ctx.progress (absent until it does).",
  properties: {
    fraction: { type: "number", minimum: 0, maximum: 1 },
    message: { type: ["string", "null"] },
    updated_utc: { type: "string", format: "date-time" },
  },
} as const;

/** JSON Schema of the job object, for the OpenAPI document. */
export const jobViewSchema = {
  type: "object",
  required: ["job_id", "status", "created_utc", "updated_utc", "started_utc", "retry_count"],
  properties: {
    job_id: { type: "string", format: "uuid" },
    status: {
      type: "string",
      enum: [...JOB_STATUSES],
      description: "done, error and cancelled are terminal.",
    },
    created_utc: { type: "string", format: "date-time" },
    updated_utc: { type: "string", format: "date-time" },
    started_utc: { type: ["string", "null"], format: "date-time" },
    retry_count: { type: "integer", minimum: 0 },
    download_url: { type: "string", format: "uri", description: "Fresh read-only link (when done)." },
    filename: { type: "string" },
    content_type: { type: "string" },
    size: { type: "integer" },
    error_msg: { type: "string", description: "Last error (at most 10 KB), while retrying or when failed." },
    progress: progressSchema,
  },
} as const;

/** The job object as the admin key sees it: with the owner (`key:…`, `name:…`, `sub:…`) it belongs to. */
export const ownedJobViewSchema = {
  ...jobViewSchema,
  properties: {
    ...jobViewSchema.properties,
    owner: { type: "string", description: "Admin key only: who submitted the job." },
  },
} as const;

export const problemSchema = {
  type: "object",
  required: ["title", "status", "detail"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
    errors: {
      type: "array",
      items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
    },
  },
} as const;
