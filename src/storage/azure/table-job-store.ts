// JobStore on Azure Table Storage: one partition, job rows keyed by job id, dedupe-key rows and history
// index rows (job-index.ts) beside them, each written in the same transaction as the job row.
import { odata, type TableEntity, type TransactionAction } from "@azure/data-tables";
import { AlreadyExistsError, ConcurrencyError } from "../../errors.js";
import { type JobRecord, type JobStore, type JobSummary, KeyTakenError, MAX_PAGE } from "../types.js";
import { isStatus } from "./errors.js";
import { fromEntity, type JobEntity, PARTITION, toEntity } from "./job-entity.js";
import {
  cursorOf,
  type IndexEntity,
  indexEntity,
  indexPrefix,
  indexRange,
  indexRowKeys,
  jobRows,
  statusRowKeys,
  summaryOf,
} from "./job-index.js";
import { deleteRows, firstEtag, tableClientFor } from "./table-client.js";

const KEY_PREFIX = "key-";

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
      const record = { ...job, updatedUtc: now, dedupeKeys: keys };
      const actions = jobRows(record).map((row): TransactionAction => ["create", row]);
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
        return { ...record, etag: firstEtag(result, job.id) ?? (await mustGet(job.id)).etag };
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
      // Replace, not Merge: cleared fields must disappear, and the ETag makes it conditional. The index rows
      // change in the same transaction, so a listing never disagrees with the job.
      const row = toEntity(next);
      const write = (moveIndex: boolean): TransactionAction[] => [
        ["update", row, "Replace", { etag: job.etag }],
        ...(moveIndex && next.status !== job.status
          ? statusRowKeys(job, job.status).map(
              (rowKey): TransactionAction => ["delete", { partitionKey: PARTITION, rowKey }],
            )
          : []),
        ...indexRowKeys(next, next.status).map(
          (rowKey): TransactionAction => ["upsert", indexEntity(rowKey, row), "Replace"],
        ),
      ];
      try {
        let result: Awaited<ReturnType<typeof client.submitTransaction>>;
        try {
          result = await client.submitTransaction(write(true));
        } catch (error) {
          // 404: the job row is gone, or it predates the index and has no status rows to move.
          if (!isStatus(error, 404) || next.status === job.status) throw error;
          result = await client.submitTransaction(write(false));
        }
        return { ...next, etag: firstEtag(result, job.id) ?? (await mustGet(job.id)).etag };
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

    async remove(job: JobSummary, keys) {
      await deleteRows(client, PARTITION, [job.id, ...indexRowKeys(job, job.status)]);
      // A key taken over by a newer job (after this one failed) is that job's now: delete only our own.
      for (const key of keys) {
        const named = await this.lookupKey(key);
        if (named?.jobId !== job.id) continue;
        await client
          .deleteEntity(PARTITION, KEY_PREFIX + key, { etag: named.etag })
          .catch((error: unknown) => {
            if (!isStatus(error, 404, 412)) throw error;
          });
      }
    },

    async list({ owner, status, createdBefore, limit, cursor }) {
      const size = Math.max(1, Math.min(MAX_PAGE, Math.floor(limit)));
      const prefix = indexPrefix(owner, status);
      const { after, before } = indexRange(prefix, { cursor, createdBefore });
      const filter = odata`PartitionKey eq ${PARTITION} and RowKey gt ${after} and RowKey lt ${before}`;
      // One row more than the page says whether another page follows, without a second request.
      const rows: { rowKey: string; job: JobSummary }[] = [];
      const pages = client
        .listEntities<IndexEntity>({ queryOptions: { filter } })
        .byPage({ maxPageSize: size + 1 });
      for await (const page of pages) {
        for (const e of page) rows.push({ rowKey: e.rowKey ?? "", job: summaryOf(e) });
        if (rows.length > size) break;
      }
      const jobs = rows.slice(0, size);
      const last = jobs.at(-1);
      return {
        jobs: jobs.map((r) => r.job),
        next: rows.length > size && last ? cursorOf(last.rowKey) : undefined,
      };
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
