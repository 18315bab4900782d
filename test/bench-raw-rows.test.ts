// The raw worker baseline (bench/fixtures/raw-rows.mjs, plain JavaScript) mirrors the store's history-index
// rows; if the store's rows change and the mirror does not, the baseline would measure another design.
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs fixture without types
import * as mirror from "../bench/fixtures/raw-rows.mjs";
import { toEntity } from "../src/storage/azure/job-entity.js";
import { indexEntity, indexRowKeys, statusRowKeys } from "../src/storage/azure/job-index.js";
import type { JobRecord, JobStatus } from "../src/storage/types.js";

const job = (owner: string, status: JobStatus): Omit<JobRecord, "etag"> => ({
  id: "0b9d6f0e-8a43-4c1e-9f31-2f1a3f8f1c11",
  status,
  createdUtc: new Date("2026-12-01T06:00:00.123Z"),
  updatedUtc: new Date("2026-12-01T06:00:01.000Z"),
  startedUtc: status === "queued" ? undefined : new Date("2026-12-01T06:00:00.900Z"),
  retryCount: 0,
  attempt: status === "queued" ? 0 : 1,
  releases: 0,
  jobHash: "abc",
  owner,
  payload: '{"n":1}',
  ...(status === "done"
    ? { blobName: "x/1/ok.txt", filename: "ok.txt", contentType: "text/plain", size: 2 }
    : {}),
});

describe("the raw worker's index rows", () => {
  for (const owner of ["", "tenant/a#1"]) {
    for (const status of ["queued", "processing", "done"] as const) {
      it(`are the store's for owner ${JSON.stringify(owner)} at ${status}`, () => {
        const row = toEntity(job(owner, status));
        const keys = indexRowKeys(job(owner, status), status);
        expect(mirror.indexRowKeys(row, status)).toEqual(keys);
        expect(mirror.statusRowKeys(row, status)).toEqual(statusRowKeys(job(owner, status), status));
        for (const key of keys) expect(mirror.indexEntity(key, row)).toEqual(indexEntity(key, row));
      });
    }
  }

  it("move as the store moves them: the row, two deletes of the old status, four upserts of the new", () => {
    const before = toEntity(job("", "queued"));
    const next = toEntity(job("", "processing"));
    const actions = mirror.statusChange(before, next, "W/etag", true) as [string, { rowKey: string }][];
    expect(actions.map(([kind]) => kind)).toEqual([
      "update",
      "delete",
      "delete",
      "upsert",
      "upsert",
      "upsert",
      "upsert",
    ]);
    expect(actions.slice(1, 3).map(([, e]) => e.rowKey)).toEqual(statusRowKeys(job("", "queued"), "queued"));
    expect(mirror.statusChange(before, next, "W/etag", false)).toHaveLength(1);
  });
});
