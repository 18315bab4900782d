// The storage seams: one interface per concern (job state, queue, blobs, rate counters). Drivers live in
// the folders beside this file (azure/, memory/); only the place that assembles storage picks one.
import { PraisonError } from "../errors.js";

/** Every status a job can have, in the order a job meets them. */
export const JOB_STATUSES = ["queued", "processing", "done", "error", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses a job never leaves. */
export const TERMINAL_STATUSES: readonly JobStatus[] = ["done", "error", "cancelled"];

export const isTerminal = (status: JobStatus): boolean => TERMINAL_STATUSES.includes(status);

/** What a running handler last reported through `ctx.progress`. */
export interface JobProgress {
  /** 0 to 1. */
  fraction: number;
  message?: string;
  updatedUtc: Date;
}

/** A job's state as kept in the jobs table. */
export interface JobRecord {
  id: string;
  status: JobStatus;
  createdUtc: Date;
  updatedUtc: Date;
  startedUtc?: Date;
  /** Failed deliveries so far (0 to the dequeue limit). */
  retryCount: number;
  /** Deliveries that claimed the job; a worker's commit is fenced by the attempt (and ETag) it claimed. */
  attempt: number;
  /** The queue message that claimed the job; a different message for a running job is a duplicate. */
  messageId?: string;
  /** Deliveries handed back on shutdown; they do not count against the dequeue limit. */
  releases: number;
  /** SHA-256 of the canonical payload. */
  jobHash: string;
  /** Who created the job (an API key id or token subject); empty when the API is open. */
  owner: string;
  /** The W3C traceparent of the request that submitted the job: the worker continues that trace. */
  traceParent?: string;
  /** The payload as JSON when it fits in the row; otherwise `payloadBlob` names the blob holding it. */
  payload?: string;
  payloadBlob?: string;
  errorMsg?: string;
  blobName?: string;
  filename?: string;
  contentType?: string;
  size?: number;
  /** Last progress the handler reported (absent when it never did). */
  progress?: JobProgress;
  /** Where a signed POST goes once the job is finished (checked against the allow list at submit). */
  callbackUrl?: string;
  /** The dedupe keys claimed with the job (set by the store from `create`'s keys; retention deletes them). */
  dedupeKeys?: string[];
  /** The table's ETag: the precondition of the next conditional write. */
  etag: string;
}

export type NewJob = Omit<JobRecord, "etag" | "updatedUtc" | "dedupeKeys">;

/** A job as a listing shows it: no payload, no delivery bookkeeping. */
export type JobSummary = Pick<
  JobRecord,
  | "id"
  | "status"
  | "createdUtc"
  | "updatedUtc"
  | "startedUtc"
  | "retryCount"
  | "owner"
  | "errorMsg"
  | "filename"
  | "contentType"
  | "size"
>;

/** Which jobs a listing returns, newest (by creation) first. */
export interface JobQuery {
  /** Only this owner's jobs; every owner's when undefined. */
  owner?: string;
  /** Only jobs with this status. */
  status?: JobStatus;
  /** Only jobs created before this instant (retention walks these). */
  createdBefore?: Date;
  /** Jobs per page, 1 to MAX_PAGE. */
  limit: number;
  /** The `next` of the previous page; `InvalidCursorError` for anything else. */
  cursor?: string;
}

export interface JobPage {
  jobs: JobSummary[];
  /** Continues the listing after this page; absent on the last page. */
  next?: string;
}

/** Most jobs one page may hold: Table Storage returns at most 1,000 rows per request. */
export const MAX_PAGE = 1000;

/** Fields a conditional update may change; `undefined` leaves a field as it is, `null` clears it. */
export type JobPatch = {
  [K in Exclude<
    keyof JobRecord,
    "id" | "etag" | "createdUtc" | "jobHash" | "owner" | "callbackUrl" | "dedupeKeys" | "traceParent"
  >]?: JobRecord[K] | null;
};

/** Job state in a table. Every write after `create` is conditional on an ETag. */
export interface JobStore {
  /** Creates the table if it is missing. */
  init(): Promise<void>;
  /**
   * Creates the job and, atomically with it, claims each dedupe key for it.
   * Throws `KeyTakenError` (carrying the current owner's job id) when a key already names another job.
   * `replace` maps keys whose current (stale) owner should be replaced to the ETag read with it.
   */
  create(job: NewJob, keys: string[], replace?: Map<string, string>): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Writes `job` with `patch` applied if the row is unchanged since `job` was read (its ETag); else ConcurrencyError. */
  update(job: JobRecord, patch: JobPatch): Promise<JobRecord>;
  /** Reads which job a dedupe key names, with the key row's ETag. */
  lookupKey(key: string): Promise<{ jobId: string; etag: string } | undefined>;
  /**
   * Removes a job, its index rows and those of `keys` that still name it (a key taken over by a newer job
   * stays). Used when enqueuing fails, so no half-created job remains, and by retention.
   */
  remove(job: JobSummary, keys: string[]): Promise<void>;
  /** A page of jobs, newest first; a page costs reads in proportion to its size, not to the jobs stored. */
  list(query: JobQuery): Promise<JobPage>;
  /** Jobs with a status, oldest update first (admin and reconciliation; bounded by `limit`). */
  listByStatus(status: JobStatus, limit: number, updatedBefore?: Date): Promise<JobRecord[]>;
}

/** A received queue message: the lease on it is its pop receipt. */
export interface QueueMessage {
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  body: string;
}

/** Longest a message may be kept invisible (a delay or a lease): Azure Queue Storage's limit, 7 days. */
export const MAX_VISIBILITY_MS = 7 * 24 * 3600 * 1000;

export interface JobQueue {
  /** Creates the queue if it is missing. */
  init(): Promise<void>;
  send(body: string, opts?: { delayMs?: number }): Promise<void>;
  /** Receives up to `max` messages (1-32), each invisible for `visibilityMs`. */
  receive(max: number, visibilityMs: number): Promise<QueueMessage[]>;
  /**
   * Keeps a message invisible for `visibilityMs` (at most MAX_VISIBILITY_MS) more; returns it with its NEW
   * pop receipt. Throws LeaseLostError only when the lease is gone (another receive, or deleted).
   */
  extend(msg: QueueMessage, visibilityMs: number): Promise<QueueMessage>;
  /** Deletes a received message; a message already gone is not an error. */
  delete(msg: QueueMessage): Promise<void>;
  /** Up to `max` messages without receiving them (admin). */
  peek(max: number): Promise<{ messageId: string; body: string; dequeueCount: number }[]>;
  /** Approximate number of messages. */
  count(): Promise<number>;
}

export interface BlobHeaders {
  contentType: string;
  filename?: string;
}

export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

export interface BlobStore {
  /** Creates the (private) container if it is missing. */
  init(): Promise<void>;
  put(name: string, data: Uint8Array, headers: BlobHeaders): Promise<void>;
  get(name: string): Promise<Buffer>;
  /** A read-only URL for the blob, valid for `ttlMs`, that downloads with the given filename. */
  sign(name: string, ttlMs: number, headers: BlobHeaders): Promise<SignedUrl>;
  delete(name: string): Promise<void>;
  /** Names of the blobs whose name starts with `prefix`. */
  list(prefix: string): Promise<string[]>;
}

/** The answer to one hit on a rate counter. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Hits left after this one (0 when refused). */
  remaining: number;
  /** Seconds until the estimate drops enough for one more hit (when refused), or until the window ends. */
  resetS: number;
}

/**
 * Counts hits per key over a sliding one-minute window (see rate-window.ts). `hit` counts one more only
 * when it is allowed, so a client that keeps retrying is let in again once its rate drops.
 */
export interface RateCounter {
  hit(key: string, limit: number, now?: number): Promise<RateDecision>;
}

/** Everything the API and the worker need from storage. */
export interface Storage {
  jobs: JobStore;
  queue: JobQueue;
  poison: JobQueue;
  blobs: BlobStore;
  /** The submission counter every API replica shares. */
  rateCounter: RateCounter;
}

/** A dedupe key already names a job. */
export class KeyTakenError extends PraisonError {
  constructor(
    readonly key: string,
    readonly jobId: string,
    readonly etag: string,
  ) {
    super("STORAGE_KEY_TAKEN", `key ${key} already names job ${jobId}`);
  }
}

/** A listing cursor that no page handed out. */
export class InvalidCursorError extends PraisonError {
  constructor() {
    super(
      "STORAGE_INVALID_CURSOR",
      "The cursor is not one a previous page returned; start again without it.",
    );
  }
}
