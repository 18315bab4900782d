// How a job row is stored: PascalCase columns, as in the spec's schema.
import type { Edm, TableEntity, TableEntityResult } from "@azure/data-tables";
import type { JobRecord, JobStatus } from "../types.js";

/** The one partition of the jobs table: job rows, their dedupe-key rows and their index rows. */
export const PARTITION = "praison";

/** Columns as stored (PascalCase, as in the spec's schema). */
export type JobEntity = {
  Kind: "job";
  Status: JobStatus;
  CreatedUTC: Date;
  UpdatedUTC: Date;
  StartedUTC?: Date;
  RetryCount: number;
  Attempt: number;
  MessageId?: string;
  Releases: number;
  JobHash: string;
  Owner: string;
  /** The submitting request's W3C traceparent (telemetry on). */
  TraceParent?: string;
  Payload?: string;
  PayloadBlob?: string;
  ErrorMsg?: string;
  BlobName?: string;
  Filename?: string;
  ContentType?: string;
  Size?: number;
  /** The dedupe keys claimed with the job, comma-separated. */
  DedupeKeys?: string;
  ProgressFraction?: number | Edm<"Double">;
  ProgressMessage?: string;
  ProgressUTC?: Date;
  CallbackUrl?: string;
};

export function toEntity(j: Omit<JobRecord, "etag">): TableEntity<JobEntity> {
  const e: TableEntity<JobEntity> = {
    partitionKey: PARTITION,
    rowKey: j.id,
    Kind: "job",
    Status: j.status,
    CreatedUTC: j.createdUtc,
    UpdatedUTC: j.updatedUtc,
    RetryCount: j.retryCount,
    Attempt: j.attempt,
    Releases: j.releases,
    JobHash: j.jobHash,
    Owner: j.owner,
  };
  // Absent optional columns are left out rather than written as nulls.
  if (j.startedUtc) e.StartedUTC = j.startedUtc;
  if (j.messageId !== undefined) e.MessageId = j.messageId;
  if (j.traceParent !== undefined) e.TraceParent = j.traceParent;
  if (j.payload !== undefined) e.Payload = j.payload;
  if (j.payloadBlob !== undefined) e.PayloadBlob = j.payloadBlob;
  if (j.errorMsg !== undefined) e.ErrorMsg = j.errorMsg;
  if (j.blobName !== undefined) e.BlobName = j.blobName;
  if (j.filename !== undefined) e.Filename = j.filename;
  if (j.contentType !== undefined) e.ContentType = j.contentType;
  if (j.size !== undefined) e.Size = j.size;
  if (j.dedupeKeys?.length) e.DedupeKeys = j.dedupeKeys.join(",");
  if (j.progress) {
    // Explicitly a double: 0 and 1 would otherwise be stored as Int32, and a later 0.5 would change the column's type.
    e.ProgressFraction = { value: j.progress.fraction, type: "Double" };
    if (j.progress.message !== undefined) e.ProgressMessage = j.progress.message;
    e.ProgressUTC = j.progress.updatedUtc;
  }
  if (j.callbackUrl !== undefined) e.CallbackUrl = j.callbackUrl;
  return e;
}

export function fromEntity(e: TableEntityResult<JobEntity>): JobRecord {
  return {
    id: e.rowKey ?? "",
    status: e.Status,
    createdUtc: new Date(e.CreatedUTC),
    updatedUtc: new Date(e.UpdatedUTC),
    startedUtc: e.StartedUTC ? new Date(e.StartedUTC) : undefined,
    retryCount: Number(e.RetryCount ?? 0),
    attempt: Number(e.Attempt ?? 0),
    messageId: e.MessageId,
    releases: Number(e.Releases ?? 0),
    jobHash: e.JobHash,
    owner: e.Owner ?? "",
    traceParent: e.TraceParent,
    payload: e.Payload,
    payloadBlob: e.PayloadBlob,
    errorMsg: e.ErrorMsg,
    blobName: e.BlobName,
    filename: e.Filename,
    contentType: e.ContentType,
    size: e.Size === undefined ? undefined : Number(e.Size),
    dedupeKeys: e.DedupeKeys ? e.DedupeKeys.split(",") : undefined,
    progress:
      e.ProgressUTC === undefined
        ? undefined
        : {
            fraction: Number(
              typeof e.ProgressFraction === "object" ? e.ProgressFraction.value : (e.ProgressFraction ?? 0),
            ),
            message: e.ProgressMessage,
            updatedUtc: new Date(e.ProgressUTC),
          },
    callbackUrl: e.CallbackUrl,
    etag: e.etag,
  };
}
