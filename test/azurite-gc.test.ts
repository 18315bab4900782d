// Azurite's garbage collector must not freeze storage: in its in-memory mode every queue message and blob is
// an "extent", and the collector deleted unreferenced ones one LokiJS scan at a time, O(k·n) on Azurite's only
// thread (3,000 consumed messages: every call stalled 10.5 s; the benchmark's jobs waited 12.5 s to over
// 60 s). bin/azurite-batch-gc.cjs, loaded by the lifeline that runs Azurite, deletes them in one batch.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { QueueServiceClient } from "@azure/storage-queue";
import { describe, expect, it } from "vitest";
import { startAzurite } from "../src/local/azurite.js";

const require = createRequire(import.meta.url);
const AZURITE_SRC = path.join(path.dirname(require.resolve("azurite/package.json")), "dist", "src");
const persistence = (file: string) => require(path.join(AZURITE_SRC, "common", "persistence", file));

interface ExtentStore {
  init(): Promise<void>;
  appendExtent(data: Buffer): Promise<{ id: string }>;
  deleteExtents(ids: Iterable<string>): Promise<number>;
}
interface ExtentMetadata {
  init(): Promise<void>;
  listExtents(id?: string, maxResults?: number): Promise<[{ id: string }[], unknown]>;
}

/** Azurite's own in-memory extent store (as its queue server builds it), with `count` one-message extents. */
async function storeWith(count: number) {
  const Metadata = persistence("LokiExtentMetadataStore.js").default;
  const memory = persistence("MemoryExtentStore.js");
  const logger = require(path.join(AZURITE_SRC, "common", "Logger.js")).default;
  const meta: ExtentMetadata = new Metadata(`extents-${randomUUID()}`, true);
  await meta.init();
  const store: ExtentStore = new memory.default(
    "queue",
    new memory.MemoryExtentChunkStore(),
    meta,
    logger,
    (status: number, code: string, message: string) => new Error(`${status} ${code} ${message}`),
  );
  await store.init();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await store.appendExtent(Buffer.from(`message ${i}`))).id);
  return { store, meta, ids };
}

describe("Azurite's garbage collection of unreferenced extents", () => {
  it("deletes 4,000 in one batch, in well under a second (one by one it blocked ~17 s)", async () => {
    const { batchExtentDeletes } = require("../bin/azurite-batch-gc.cjs");
    expect(batchExtentDeletes(path.join(AZURITE_SRC, "azurite.js"))).toBe(true);
    const { store, meta, ids } = await storeWith(4100);
    const kept = ids.slice(0, 100);
    const unreferenced = new Set(ids.slice(100));

    const started = performance.now();
    expect(await store.deleteExtents(unreferenced)).toBe(4000);
    const ms = performance.now() - started;

    expect(ms).toBeLessThan(1000);
    const [left] = await meta.listExtents(undefined, 10_000);
    expect(left.map((e) => e.id).sort()).toEqual([...kept].sort());
  });

  it("keeps queue calls fast through Azurite's collection after 3,000 messages were cleared (was a 10.5 s stall)", async () => {
    // The real Azurite, started as every local mode and test starts it (through the lifeline); its
    // collector runs at start and then 60 s after the previous run ended, so the probe spans that moment.
    const azurite = await startAzurite();
    const started = performance.now();
    try {
      const service = QueueServiceClient.fromConnectionString(azurite.connectionString);
      const filled = service.getQueueClient("filled");
      const probe = service.getQueueClient("probe");
      await Promise.all([filled.create(), probe.create()]);
      for (let i = 0; i < 3000; i += 20) {
        await Promise.all(Array.from({ length: 20 }, () => filled.sendMessage("a job id, about this long")));
      }
      await filled.clearMessages();
      let worst = 0;
      while (performance.now() - started < 68_000) {
        const t = performance.now();
        await probe.getProperties();
        worst = Math.max(worst, performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(worst).toBeLessThan(2000);
    } finally {
      await azurite.stop();
    }
  }, 90_000);
});
