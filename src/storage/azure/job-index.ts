// The jobs table's history index: small rows beside each job, keyed so that "newest first" is a range read.
//
// Each job has four index rows in the job's own partition (so they are written in the same transaction as
// the job row): every owner's jobs and the owner's own, each once for any status and once for the current
// status. A row key is `h~<scope>~<status>~<inverted created time>~<job id>`: Table Storage sorts row keys
// ascending, so the newest job comes first, and a page is one range query of `limit` rows, whatever the
// number of jobs stored. The rows copy what a job list shows (no payload), so a page needs no job reads.
import { createHash } from "node:crypto";
import type { TableEntity, TableEntityResult } from "@azure/data-tables";
import { InvalidCursorError, type JobRecord, type JobStatus, type JobSummary } from "../types.js";
import { type JobEntity, toEntity } from "./job-entity.js";

const PREFIX = "h~";
const ALL_OWNERS = "all";
const ANY_STATUS = "any";
/** Inverted times count down from here (the year 2286), so they keep 13 digits and sort newest first. */
const TIME_CEILING = 9_999_999_999_999;

/** A row key may not hold `/`, `\`, `#`, `?` or control characters, and an owner may: the scope is its hash. */
const ownerScope = (owner: string): string =>
  `o${createHash("sha256").update(owner, "utf8").digest("hex").slice(0, 32)}`;

const invert = (t: Date): string => String(TIME_CEILING - t.getTime()).padStart(13, "0");

/** The range of one listing: an owner's (or everyone's) jobs, of one status or any. */
export function indexPrefix(owner: string | undefined, status: JobStatus | undefined): string {
  return `${PREFIX}${owner === undefined ? ALL_OWNERS : ownerScope(owner)}~${status ?? ANY_STATUS}~`;
}

/** Where a row sits within a listing: the cursor of a page that ends with it. */
const position = (job: Pick<JobRecord, "id" | "createdUtc">): string => `${invert(job.createdUtc)}~${job.id}`;

/** The row keys of a job's index rows while it has the given status. */
export function indexRowKeys(
  job: Pick<JobRecord, "id" | "createdUtc" | "owner">,
  status: JobStatus,
): string[] {
  const at = position(job);
  return [
    indexPrefix(undefined, undefined) + at,
    indexPrefix(undefined, status) + at,
    indexPrefix(job.owner, undefined) + at,
    indexPrefix(job.owner, status) + at,
  ];
}

/** The index rows whose key holds the status: these move when the status changes. */
export const statusRowKeys = (job: Pick<JobRecord, "id" | "createdUtc" | "owner">, status: JobStatus) => {
  const [, allByStatus, , ownByStatus] = indexRowKeys(job, status);
  return [allByStatus as string, ownByStatus as string];
};

const CURSOR = /^\d{13}~[A-Za-z0-9-]{1,64}$/;

/** The row-key range of a listing: after `cursor` (or from `createdBefore`, or the start) to the end. */
export function indexRange(
  prefix: string,
  opts: { cursor?: string; createdBefore?: Date },
): { after: string; before: string } {
  if (opts.cursor !== undefined && !CURSOR.test(opts.cursor)) throw new InvalidCursorError();
  // Digits sort below "~", so every row of the listing lies below prefix + "~".
  const end = `${prefix}~`;
  if (opts.cursor !== undefined) return { after: prefix + opts.cursor, before: end };
  // "Created before t" are the rows after t's inverted time; "~" sorts after every job id of that instant.
  if (opts.createdBefore) return { after: `${prefix}${invert(opts.createdBefore)}~~`, before: end };
  return { after: prefix, before: end };
}

/** The cursor that continues a listing after this row. */
export const cursorOf = (rowKey: string): string => rowKey.split("~").slice(-2).join("~");

/** The columns of a job row that its index rows copy: what a listing shows. */
const SHOWN = [
  "Status",
  "CreatedUTC",
  "UpdatedUTC",
  "StartedUTC",
  "RetryCount",
  "Owner",
  "ErrorMsg",
  "Filename",
  "ContentType",
  "Size",
] as const satisfies readonly (keyof JobEntity)[];

/** What an index row holds: the job as a list shows it. */
export type IndexEntity = { Kind: "index"; JobId: string } & Pick<JobEntity, (typeof SHOWN)[number]>;

/** The index row at `rowKey` of a job row (as `toEntity` makes it), in the job row's partition. */
export function indexEntity(rowKey: string, job: TableEntity<JobEntity>): TableEntity<IndexEntity> {
  const e: Record<string, unknown> = {
    partitionKey: job.partitionKey,
    rowKey,
    Kind: "index",
    JobId: job.rowKey,
  };
  for (const column of SHOWN) if (job[column] !== undefined) e[column] = job[column];
  return e as TableEntity<IndexEntity>;
}

/** The rows a new job is stored as: its job row and its index rows, as `create` writes them. */
export function jobRows(j: Omit<JobRecord, "etag">): TableEntity[] {
  const row = toEntity(j);
  return [row, ...indexRowKeys(j, j.status).map((rowKey) => indexEntity(rowKey, row))];
}

export function summaryOf(e: TableEntityResult<IndexEntity>): JobSummary {
  return {
    id: e.JobId,
    status: e.Status,
    createdUtc: new Date(e.CreatedUTC),
    updatedUtc: new Date(e.UpdatedUTC),
    startedUtc: e.StartedUTC ? new Date(e.StartedUTC) : undefined,
    retryCount: Number(e.RetryCount ?? 0),
    owner: e.Owner ?? "",
    errorMsg: e.ErrorMsg,
    filename: e.Filename,
    contentType: e.ContentType,
    size: e.Size === undefined ? undefined : Number(e.Size),
  };
}
