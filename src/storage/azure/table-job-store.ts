// JobStore on Azure Table Storage: one partition, job rows keyed by job id, dedupe-key rows beside them.
import { odata, type TableEntity, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import { AlreadyExistsError, ConcurrencyError } from "../../errors.js";
import { type JobRecord, type JobStatus, type JobStore, KeyTakenError } from "../types.js";
import { isStatus } from "./errors.js";
import { deleteRows, tableClientFor } from "./table-client.js";

const PARTITION = "praison";
const KEY_PREFIX = "key-";

/** Columns as stored (PascalCase, as in the spec's schema). */
type JobEntity = {
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
  TraceParent?: string;
  Payload?: string;
  PayloadBlob?: string;
  ErrorMsg?: string;
  BlobName?: string;
  Filename?: string;
  ContentType?: string;
  Size?: number;
};

type KeyEntity = {
  Kind: "key";
  JobId: string;
};

export interface TableJobStoreOptions {
  connectionString: string;
  tableName: string;
}

export function createTableJobStore(opts: TableJobStoreOptions): JobStore {
  const client = tableClientFor(opts.connectionString, opts.tableName);

  return {
    async init() {
      await client.createTable(); // no-op when it exists
    },

    async create(job, keys, replace = new Map()) {
      const now = new Date();
      const entity = toEntity({ ...job, updatedUtc: now });
      const actions: TransactionAction[] = [["create", entity]];
      for (const key of keys) {
        const row: TableEntity<KeyEntity> = {
          partitionKey: PARTITION,
          rowKey: KEY_PREFIX + key,
          Kind: "key",
          JobId: job.id,
        };
        const etag = replace.get(key);
        actions.push(etag ? ["update", row, "Replace", { etag }] : ["create", row]);
      }
      try {
        const result = await client.submitTransaction(actions);
        const etag = result.subResponses[0]?.rowKey === job.id ? result.subResponses[0].etag : undefined;
        return { ...job, updatedUtc: now, etag: etag ?? (await mustGet(job.id)).etag };
      } catch (error) {
        if (!isStatus(error, 409, 412)) throw error;
        for (const key of keys) {
          const taken = await this.lookupKey(key);
          if (taken && taken.jobId !== job.id && taken.etag !== replace.get(key)) {
            throw new KeyTakenError(key, taken.jobId, taken.etag);
          }
        }
        // The transaction may have landed and only its response been lost (the SDK's retry then gets 409):
        // the job row exists and no key names another job, so the write was ours.
        const mine = await this.get(job.id);
        if (mine) return mine;
        if (isStatus(error, 412))
          throw new ConcurrencyError(`a dedupe key of job ${job.id} changed meanwhile`, { cause: error });
        throw new AlreadyExistsError(`job ${job.id} already exists`, { cause: error });
      }
    },

    async get(id) {
      try {
        const e = await client.getEntity<JobEntity>(PARTITION, id);
        return e.Kind === "job" ? fromEntity(e) : undefined;
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    },

    async update(job, patch) {
      const next: JobRecord = { ...job, updatedUtc: new Date() };
      for (const [k, v] of Object.entries(patch)) {
        (next as unknown as Record<string, unknown>)[k] = v === null ? undefined : v;
      }
      try {
        // Replace, not Merge: cleared fields must disappear, and the ETag makes it conditional.
        const res = await client.updateEntity(toEntity(next), "Replace", { etag: job.etag });
        return { ...next, etag: res.etag ?? "" };
      } catch (error) {
        if (isStatus(error, 412, 404)) {
          throw new ConcurrencyError(`job ${job.id} changed since it was read`, { cause: error });
        }
        throw error;
      }
    },

    async lookupKey(key) {
      try {
        const e = await client.getEntity<KeyEntity>(PARTITION, KEY_PREFIX + key);
        return { jobId: e.JobId, etag: e.etag };
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    },

    async remove(id, keys) {
      await deleteRows(client, PARTITION, [id, ...keys.map((k) => KEY_PREFIX + k)]);
    },

    async listByStatus(status, limit, updatedBefore) {
      const filter = updatedBefore
        ? odata`PartitionKey eq ${PARTITION} and Kind eq 'job' and Status eq ${status} and UpdatedUTC lt ${updatedBefore}`
        : odata`PartitionKey eq ${PARTITION} and Kind eq 'job' and Status eq ${status}`;
      const out: JobRecord[] = [];
      for await (const e of client.listEntities<JobEntity>({ queryOptions: { filter } })) {
        out.push(fromEntity(e));
        if (out.length >= limit) break;
      }
      return out.sort((a, b) => a.updatedUtc.getTime() - b.updatedUtc.getTime());
    },
  };

  async function mustGet(id: string): Promise<JobRecord> {
    const e = await client.getEntity<JobEntity>(PARTITION, id);
    return fromEntity(e);
  }
}

function toEntity(j: Omit<JobRecord, "etag">): TableEntity<JobEntity> {
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
  return e;
}

function fromEntity(e: TableEntityResult<JobEntity>): JobRecord {
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
    etag: e.etag,
  };
}
