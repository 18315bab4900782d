// Accepting a job: dedupe by payload hash or Idempotency-Key, write the row, then enqueue its reference.
import { randomUUID } from "node:crypto";
import { StorageUnavailableError } from "../errors.js";
import { type JobRecord, KeyTakenError, type Storage } from "../storage/types.js";
import { jobHash, sha256 } from "./canonical.js";
import { encodeMessage } from "./message.js";
import { payloadJson, storePayload } from "./payload-store.js";
import { requeueIfStale } from "./repair.js";

export interface SubmitInput {
  payload: unknown;
  /** Who submits (key id or token subject); dedupe never crosses owners. */
  owner: string;
  idempotencyKey?: string;
  /** Checked by the caller against the allow list; kept in the row for the worker. */
  callbackUrl?: string;
  /** The submitting request's W3C traceparent (when telemetry is on); kept in the row, never in the payload. */
  traceParent?: string;
}

export interface SubmitResult {
  job: JobRecord;
  /** False when an existing job with the same payload or Idempotency-Key was returned. */
  created: boolean;
}

/** Dedupe keys: the payload hash, and the Idempotency-Key when given, both scoped to the owner. */
export function dedupeKeys(owner: string, hash: string, idempotencyKey?: string): string[] {
  const keys = [`h${sha256(`${owner}\n${hash}`)}`];
  if (idempotencyKey !== undefined) keys.push(`i${sha256(`${owner}\n${idempotencyKey}`)}`);
  return keys;
}

/** A job that can be returned instead of a new one: still queued, running or done (not failed or cancelled). */
const isLive = (job: JobRecord | undefined): job is JobRecord =>
  job !== undefined && job.status !== "error" && job.status !== "cancelled";

export async function submitJob(
  storage: Storage,
  input: SubmitInput,
  requeueAfterMs: number,
): Promise<SubmitResult> {
  const id = randomUUID();
  const hash = jobHash(input.payload);
  const keys = dedupeKeys(input.owner, hash, input.idempotencyKey);
  const now = new Date();
  const stored = await storePayload(storage.blobs, id, payloadJson(input.payload));
  const job = {
    id,
    status: "queued" as const,
    createdUtc: now,
    retryCount: 0,
    attempt: 0,
    releases: 0,
    jobHash: hash,
    owner: input.owner,
    ...(input.callbackUrl ? { callbackUrl: input.callbackUrl } : {}),
    ...(input.traceParent ? { traceParent: input.traceParent } : {}),
    ...stored,
  };

  // Keys left by failed or cancelled jobs are taken over (conditionally on the ETag read), so a failed payload can be resubmitted.
  const replace = new Map<string, string>();
  for (let round = 0; ; round++) {
    let created: JobRecord;
    try {
      created = await storage.jobs.create(job, keys, replace);
    } catch (error) {
      if (!(error instanceof KeyTakenError) || round >= 4) {
        await dropPayloadUnlessKept(storage, job);
        throw error;
      }
      const existing = await storage.jobs.get(error.jobId);
      if (isLive(existing)) {
        if (stored.payloadBlob) await storage.blobs.delete(stored.payloadBlob).catch(() => {});
        return { job: await requeueIfStale(storage, existing, requeueAfterMs), created: false };
      }
      replace.set(error.key, error.etag);
      continue;
    }
    await enqueue(storage, created, keys);
    return { job: created, created: true };
  }
}

/**
 * The create failed (the table unreachable, say): the payload blob written before it belongs to no job, unless
 * the row did land and only the answer was lost, which a read shows. Unreadable counts as not kept: the SDK's
 * retries would have met a landed row (409) and taken it as ours.
 */
async function dropPayloadUnlessKept(storage: Storage, job: { id: string; payloadBlob?: string }) {
  if (!job.payloadBlob) return;
  const kept = await storage.jobs.get(job.id).catch(() => undefined);
  if (!kept) await storage.blobs.delete(job.payloadBlob).catch(() => {});
}

async function enqueue(storage: Storage, job: JobRecord, keys: string[]): Promise<void> {
  try {
    await storage.queue.send(encodeMessage(job.id));
  } catch (cause) {
    // No message means no worker will ever see the job: take the row back so nothing is left half-created.
    await storage.jobs.remove(job, keys).catch(() => {});
    if (job.payloadBlob) await storage.blobs.delete(job.payloadBlob).catch(() => {});
    throw new StorageUnavailableError(
      "The job queue is unreachable; the job was not accepted. Retry later.",
      {
        cause,
      },
    );
  }
}
