// The job object clients see (snake_case, as in the spec); the WordPress widget and curl users depend on these names.
import { JOB_STATUSES, type JobStatus, type JobSummary } from "../storage/types.js";

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
}

export function jobView(job: JobSummary, downloadUrl?: string): JobView {
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
  return view;
}

/** JSON Schema of the job object, for the OpenAPI document. */
export const jobViewSchema = {
  type: "object",
  required: ["job_id", "status", "created_utc", "updated_utc", "started_utc", "retry_count"],
  properties: {
    job_id: { type: "string", format: "uuid" },
    status: { type: "string", enum: [...JOB_STATUSES] },
    created_utc: { type: "string", format: "date-time" },
    updated_utc: { type: "string", format: "date-time" },
    started_utc: { type: ["string", "null"], format: "date-time" },
    retry_count: { type: "integer", minimum: 0 },
    download_url: { type: "string", format: "uri", description: "Fresh read-only link (when done)." },
    filename: { type: "string" },
    content_type: { type: "string" },
    size: { type: "integer" },
    error_msg: { type: "string", description: "Last error (at most 10 KB), while retrying or when failed." },
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
