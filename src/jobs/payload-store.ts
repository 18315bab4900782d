// Where a payload lives: inline in the job row when small, otherwise in a blob under the job id.
import type { BlobStore, JobRecord } from "../storage/types.js";

/** A table property holds at most 64 KiB (32K UTF-16 characters); keep well below it. */
export const INLINE_PAYLOAD_MAX_BYTES = 30_000;

export const payloadBlobName = (jobId: string) => `${jobId}/payload.json`;

/**
 * The payload as stored: JSON with U+2028 and U+2029 written as `\u2028`/`\u2029` escapes. Azurite
 * refuses those characters raw inside a batch transaction (which creating a job is) with a 500 that
 * looks like an outage, so such a payload got 503 on every try; escaped, JSON.parse restores them.
 */
export const payloadJson = (payload: unknown): string =>
  JSON.stringify(payload).replace(/[\u2028\u2029]/g, (c) => (c === "\u2028" ? "\\u2028" : "\\u2029"));

/** Stores the payload; returns the job fields that point at it. */
export async function storePayload(
  blobs: BlobStore,
  jobId: string,
  json: string,
): Promise<Pick<JobRecord, "payload" | "payloadBlob">> {
  if (Buffer.byteLength(json, "utf8") <= INLINE_PAYLOAD_MAX_BYTES) return { payload: json };
  const name = payloadBlobName(jobId);
  await blobs.put(name, Buffer.from(json, "utf8"), { contentType: "application/json" });
  return { payloadBlob: name };
}

export async function loadPayload(blobs: BlobStore, job: JobRecord): Promise<unknown> {
  if (job.payload !== undefined) return JSON.parse(job.payload);
  if (job.payloadBlob) return JSON.parse((await blobs.get(job.payloadBlob)).toString("utf8"));
  throw new Error(`job ${job.id} has no payload`);
}
