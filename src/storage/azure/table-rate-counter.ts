// The shared rate counter: one Table Storage row per client and minute, incremented with ETag-conditional
// writes, so every API replica counts against the same number.
//
// Layout (own table, default `ratelimits`, never the jobs table): PartitionKey `w<window start, ms>`,
// RowKey `<scope>:<client>`, columns Count (this window) and Prev (the previous window's count, copied
// when the row is created, so later hits read one row). Clean-up: each replica deletes, once a minute,
// the partitions of windows older than the previous one (a range query on PartitionKey), so the table
// holds at most ~2 minutes of clients whatever the traffic.
import { odata } from "@azure/data-tables";
import { decide, WINDOW_MS, windowStartOf } from "../rate-window.js";
import type { RateCounter, RateDecision } from "../types.js";
import { isStatus } from "./errors.js";
import { deleteRows, MAX_BATCH, tableClientFor } from "./table-client.js";

export interface TableRateCounterOptions {
  connectionString: string;
  tableName: string;
  /** Longest a hit may wait on storage before it counts as a storage failure. @default 2000 */
  timeoutMs?: number;
  /** Called with errors of the background clean-up (they never reach a request). */
  onSweepError?: (error: unknown) => void;
  /** Clean up once a minute in the background, from the first use on. @default true */
  autoSweep?: boolean;
}

export interface TableRateCounter extends RateCounter {
  /** Deletes the rows of windows that ended before the previous one; returns how many it deleted. */
  sweep(now?: number): Promise<number>;
  /** Stops the background clean-up. */
  close(): void;
}

type CounterRow = { Count: number; Prev: number };

interface Waiter {
  limit: number;
  now: number;
  resolve(d: RateDecision): void;
  reject(error: unknown): void;
}

/** Conditional writes lost to other replicas before a batch gives up (and is refused). */
const MAX_CONFLICTS = 8;
/** Rows deleted per clean-up run at most: bounds one run's cost; the next run continues. */
const MAX_SWEEP = 5000;

const partitionOf = (start: number) => `w${String(start).padStart(15, "0")}`;
/** Table keys may not contain / \ # ? or control characters. */
const rowKeyOf = (key: string) =>
  Array.from(key, (c) => (c.charCodeAt(0) < 0x20 || c === "\x7f" || "/\\#?".includes(c) ? "_" : c)).join("");

export function createTableRateCounter(opts: TableRateCounterOptions): TableRateCounter {
  // Its own client, not the jobs table's: a counter sits on every submission's path, so it retries once
  // (not three times) and a storage outage costs a request ~0.1 s, not seconds.
  const client = tableClientFor(opts.connectionString, opts.tableName, {
    maxRetries: 1,
    retryDelayInMs: 100,
  });
  const timeoutMs = opts.timeoutMs ?? 2000;
  const signal = () => ({ abortSignal: AbortSignal.timeout(timeoutMs) });
  let ready: Promise<void> | undefined;
  // Created on first use (and again after a failure), so a replica that never counts never calls storage.
  const ensureTable = () => {
    ready ??= client.createTable(signal()).then(
      () => scheduleSweeps(),
      (error: unknown) => {
        ready = undefined;
        throw error;
      },
    );
    return ready;
  };

  async function read(pk: string, rk: string) {
    try {
      return await client.getEntity<CounterRow>(pk, rk, signal());
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  // Hits for one key are serialised within this replica and counted in batches: while one write is in
  // flight, later hits queue up and the next write counts them all. ETag conflicts then only arise
  // between replicas, and a burst of 50 simultaneous requests costs a few round trips, not 50 retries.
  const queues = new Map<string, Waiter[]>();

  function hit(key: string, limit: number, now = Date.now()): Promise<RateDecision> {
    return new Promise((resolve, reject) => {
      const queue = queues.get(key);
      const waiter = { limit, now, resolve, reject };
      if (queue) return void queue.push(waiter);
      queues.set(key, [waiter]);
      void drain(key);
    });
  }

  async function drain(key: string): Promise<void> {
    for (let queue = queues.get(key); queue?.length; queue = queues.get(key)) {
      // One batch = the queued hits of the first one's window (a batch never straddles two windows).
      const start = windowStartOf((queue[0] as Waiter).now);
      const batch = queue.filter((w) => windowStartOf(w.now) === start);
      queues.set(
        key,
        queue.filter((w) => windowStartOf(w.now) !== start),
      );
      try {
        const decisions = await countBatch(rowKeyOf(key), start, batch);
        for (const [i, w] of batch.entries()) w.resolve(decisions[i] as RateDecision);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    queues.delete(key);
  }

  /** Decides every hit of the batch in order and writes the new count in one conditional write. */
  async function countBatch(rk: string, start: number, batch: Waiter[]): Promise<RateDecision[]> {
    await ensureTable();
    const pk = partitionOf(start);
    let prev: number | undefined;
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
      const row = await read(pk, rk);
      // First hit of this window: carry the previous window's count into the new row.
      prev = row
        ? Number(row.Prev ?? 0)
        : (prev ?? Number((await read(partitionOf(start - WINDOW_MS), rk))?.Count ?? 0));
      const before = Number(row?.Count ?? 0);
      let count = before;
      const decisions = batch.map((w) => {
        const d = decide({ count, prev: prev as number }, w.limit, w.now);
        if (d.allowed) count++; // refused hits are not counted
        return d;
      });
      if (count === before) return decisions; // nothing allowed: no write
      try {
        const entity = { partitionKey: pk, rowKey: rk, Count: count, Prev: prev };
        if (row) await client.updateEntity<CounterRow>(entity, "Replace", { etag: row.etag, ...signal() });
        else await client.createEntity<CounterRow>(entity, signal());
        return decisions;
      } catch (error) {
        // 412: another replica counted since the read; 409: another replica created the row first.
        if (!isStatus(error, 412, 409)) throw error;
      }
      await new Promise((r) => setTimeout(r, Math.random() * 10 * (conflicts + 1)));
    }
    // Replicas kept overtaking each other for this one client: treat it as over the limit.
    return batch.map((w) => ({ allowed: false, limit: w.limit, remaining: 0, resetS: 1 }));
  }

  async function sweep(now = Date.now()): Promise<number> {
    await ensureTable();
    const cutoff = partitionOf(windowStartOf(now) - WINDOW_MS);
    const byPartition = new Map<string, string[]>();
    let found = 0;
    const rows = client.listEntities({
      queryOptions: {
        filter: odata`PartitionKey ge 'w' and PartitionKey lt ${cutoff}`,
        select: ["PartitionKey", "RowKey"],
      },
    });
    for await (const row of rows) {
      const list = byPartition.get(row.partitionKey as string) ?? [];
      list.push(row.rowKey as string);
      byPartition.set(row.partitionKey as string, list);
      if (++found >= MAX_SWEEP) break;
    }
    let deleted = 0;
    for (const [pk, rks] of byPartition) {
      for (let i = 0; i < rks.length; i += MAX_BATCH)
        deleted += await deleteRows(client, pk, rks.slice(i, i + MAX_BATCH));
    }
    return deleted;
  }

  // Once a minute from the first use; replicas start at different times, and the random first delay
  // spreads their clean-ups further apart.
  let first: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  function scheduleSweeps(): void {
    if (first || opts.autoSweep === false) return;
    first = setTimeout(() => {
      const run = () => void sweep().catch((e: unknown) => opts.onSweepError?.(e));
      run();
      timer = setInterval(run, WINDOW_MS).unref();
    }, Math.random() * WINDOW_MS).unref();
  }

  return {
    hit,
    sweep,
    close() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
