// 6. Job history: what one page of GET /jobs costs with many jobs stored. The table is seeded straight through
// the SDK in batches, with the rows our store writes (job row + history index rows). Measured through a
// counting proxy: the storage requests and rows one page reads, and its time, for
//  - our listing (one range read on the history index), first page and a page deep in the history;
//  - the baseline of the same run: one point read (getEntity), the cheapest table call;
//  - a design without the index: an owner filter over the job rows, read to the end and sorted, since
//    Table Storage cannot return "newest first" of an unindexed column.
// Azurite answers every query by scanning the whole table in JavaScript, so its times grow with the table
// for any query (Azure serves a row-key range from the partition's index); the request and row counts are
// what Azure bills and what does not grow.

import { randomUUID } from "node:crypto";
import { TableClient, type TransactionAction } from "@azure/data-tables";
import { type AzuritePorts, azuriteConnectionString } from "../src/local/azurite.js";
import { PARTITION } from "../src/storage/azure/job-entity.js";
import { jobRows } from "../src/storage/azure/job-index.js";
import type { JobRecord, JobStatus } from "../src/storage/types.js";
import { namespace, ourStorage } from "./support/azure.js";
import { countingProxy } from "./support/counting-proxy.js";
import type { Sizes } from "./support/options.js";
import type { Results } from "./support/results.js";
import { median } from "./support/stats.js";

export interface HistoryContext {
  conn: string;
  ports: AzuritePorts;
  sizes: Sizes;
  results: Results;
  log(msg: string): void;
}

// Seven owners and five statuses cycle independently: every owner has jobs of every status.
const OWNERS = 7;
const PAGE = 20;
const STATUSES: JobStatus[] = ["done", "done", "done", "error", "queued"];
/** Rows per job: the job row and its four index rows; a batch holds 100 rows of one partition. */
const JOBS_PER_BATCH = 20;

export async function measureHistory(ctx: HistoryContext): Promise<void> {
  const { conn, ports, sizes, results, log } = ctx;
  const ns = namespace();
  await ourStorage(conn, ns);
  const seedStarted = performance.now();
  const owner = await seed(conn, ns.table, sizes.historyJobs, log);
  log(`  seeded ${sizes.historyJobs} jobs in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);

  const proxy = await countingProxy(ports.table);
  try {
    const viaProxy = azuriteConnectionString({ ...ports, table: proxy.port });
    const storage = await ourStorage(viaProxy, ns);
    const raw = TableClient.fromConnectionString(viaProxy, ns.table, { allowInsecureConnection: true });
    const some = (await storage.jobs.list({ owner, limit: 1 })).jobs[0];
    if (!some) throw new Error("the seeded owner has no jobs");

    /** Median time of `fn` over the rounds, and the requests and rows of one call. */
    const measure = async (name: string, fn: () => Promise<number>, rounds = sizes.rounds) => {
      const times: number[] = [];
      let requests = 0;
      let rows = 0;
      for (let i = 0; i < rounds; i++) {
        const before = proxy.hits.length;
        const t = performance.now();
        rows = await fn();
        times.push(performance.now() - t);
        requests = proxy.hits.length - before;
      }
      results.set(`history_${name}_ms`, median(times));
      results.set(`history_${name}_requests`, requests);
      results.set(`history_${name}_jobs`, rows);
      log(`  ${name}: ${median(times).toFixed(1)} ms, ${requests} requests, ${rows} rows`);
    };

    await measure("point_read", async () => {
      await raw.getEntity(PARTITION, some.id);
      return 1;
    });
    await measure("page_first", async () => (await storage.jobs.list({ owner, limit: PAGE })).jobs.length);
    // Half-way through the owner's history: the cursor of the job there (cursors are positions, not counts).
    const deep = await deepCursor(storage.jobs, owner, Math.floor(sizes.historyJobs / OWNERS / 2));
    await measure(
      "page_deep",
      async () => (await storage.jobs.list({ owner, limit: PAGE, cursor: deep })).jobs.length,
    );
    await measure(
      "page_status",
      async () => (await storage.jobs.list({ owner, status: "error", limit: PAGE })).jobs.length,
    );
    await measure(
      "unindexed_scan",
      async () => {
        const filter = `PartitionKey eq '${PARTITION}' and Kind eq 'job' and Owner eq '${owner}'`;
        const mine: { CreatedUTC: Date }[] = [];
        for await (const e of raw.listEntities<{ CreatedUTC: Date }>({
          queryOptions: { filter, select: ["CreatedUTC"] },
        }))
          mine.push(e);
        mine.sort((a, b) => +new Date(b.CreatedUTC) - +new Date(a.CreatedUTC));
        return mine.length;
      },
      Math.min(sizes.rounds, 3),
    );
    results.ratio("history_page_vs_point_read_ratio", "history_page_first_ms", "history_point_read_ms");
    results.ratio("history_deep_vs_first_page_ratio", "history_page_deep_ms", "history_page_first_ms");
    results.ratio("history_unindexed_vs_page_ratio", "history_unindexed_scan_ms", "history_page_first_ms");
  } finally {
    await proxy.close();
  }
}

/** Writes `count` jobs of OWNERS owners, created a second apart, with the rows our store writes; returns one owner. */
async function seed(conn: string, table: string, count: number, log: (m: string) => void): Promise<string> {
  const client = TableClient.fromConnectionString(conn, table, { allowInsecureConnection: true });
  const start = Date.now() - count * 1000;
  const batches: TransactionAction[][] = [];
  for (let i = 0; i < count; i += JOBS_PER_BATCH) {
    const actions: TransactionAction[] = [];
    for (let j = i; j < Math.min(count, i + JOBS_PER_BATCH); j++)
      actions.push(...jobRows(job(j, start)).map((row): TransactionAction => ["create", row]));
    batches.push(actions);
  }
  // A few batches in flight: Azurite handles one at a time, but the round trips overlap.
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as TransactionAction[];
      await client.submitTransaction(batch);
      if (next % 500 === 0) log(`  seeding: ${next * JOBS_PER_BATCH} jobs`);
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  return ownerOf(0);
}

const ownerOf = (i: number) => `key:${String(i % OWNERS).padStart(16, "0")}`;

function job(i: number, start: number): Omit<JobRecord, "etag"> {
  const created = new Date(start + i * 1000);
  const status = STATUSES[i % STATUSES.length] as JobStatus;
  return {
    id: randomUUID(),
    status,
    createdUtc: created,
    updatedUtc: new Date(created.getTime() + 5000),
    startedUtc: status === "queued" ? undefined : new Date(created.getTime() + 500),
    retryCount: 0,
    attempt: status === "queued" ? 0 : 1,
    releases: 0,
    jobHash: "0".repeat(64),
    owner: ownerOf(i),
    payload: '{"title":"A deck"}',
    ...(status === "done"
      ? { filename: "slides.pptx", contentType: "application/octet-stream", size: 40_000 }
      : {}),
    ...(status === "error" ? { errorMsg: "handler failed" } : {}),
  };
}

async function deepCursor(
  jobs: Awaited<ReturnType<typeof ourStorage>>["jobs"],
  owner: string,
  skip: number,
): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let seen = 0; seen < skip; seen += 1000) {
    const page = await jobs.list({ owner, limit: Math.min(1000, skip - seen), cursor });
    if (!page.next) break;
    cursor = page.next;
  }
  return cursor;
}
