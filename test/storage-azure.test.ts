// The Azure drivers (against Azurite) pass the shared storage conformance suite, and report outages as such.
import { randomBytes } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { StorageUnavailableError } from "../src/errors.js";
import { azuriteConnectionString } from "../src/local/azurite.js";
import { createAzureStorage } from "../src/storage/azure/index.js";
import { toEntity } from "../src/storage/azure/job-entity.js";
import { createTableRateCounter } from "../src/storage/azure/table-rate-counter.js";
import { createMemoryRateCounter } from "../src/storage/memory/rate-counter.js";
import { WINDOW_MS, windowStartOf } from "../src/storage/rate-window.js";
import { testBlobStore } from "./support/conformance/blob-store.js";
import { testJobQueue } from "./support/conformance/job-queue.js";
import { newJob, testJobStore } from "./support/conformance/job-store.js";
import { testRateCounter } from "./support/conformance/rate-counter.js";
import { deadEndpoint } from "./support/dead-endpoint.js";
import { isolatedStorage, azuriteConnectionString as sharedAzurite } from "./support/storage.js";

testJobStore("Azure Table Storage", async () => (await isolatedStorage()).storage.jobs);
testJobQueue("Azure Queue Storage", async () => (await isolatedStorage()).storage.queue);
testBlobStore("Azure Blob Storage", async () => (await isolatedStorage()).storage.blobs);
testRateCounter("Azure Table Storage", async () => {
  const counter = createTableRateCounter({
    connectionString: sharedAzurite(),
    tableName: `r${randomBytes(5).toString("hex")}`,
  });
  onTestFinished(() => counter.close());
  return counter;
});
testRateCounter("memory", async () => createMemoryRateCounter());

describe("the Table Storage rate counter", () => {
  it("keeps counters in their own table and deletes windows older than the previous one", async () => {
    const tableName = `r${randomBytes(5).toString("hex")}`;
    const counter = createTableRateCounter({
      connectionString: sharedAzurite(),
      tableName,
      autoSweep: false, // only the sweep under test deletes rows
    });
    onTestFinished(() => counter.close());
    const now = windowStartOf(Date.now()) + 1000;
    for (const age of [5, 2, 1, 0]) await counter.hit("submit:203.0.113.30", 10, now - age * WINDOW_MS);
    const client = TableClient.fromConnectionString(sharedAzurite(), tableName, {
      allowInsecureConnection: true,
    });
    const rows = async () => {
      const out: string[] = [];
      for await (const e of client.listEntities()) out.push(e.partitionKey as string);
      return out.sort();
    };
    expect(await rows()).toHaveLength(4);
    expect(await counter.sweep(now)).toBe(2);
    expect(await rows()).toEqual([
      `w${String(now - 1000 - WINDOW_MS).padStart(15, "0")}`,
      `w${String(now - 1000).padStart(15, "0")}`,
    ]);
  });
});

describe("Azure drivers during an outage", () => {
  it("throw StorageUnavailableError from every concern, with the SDK's error as the cause", async () => {
    // A port this test holds, dropping every connection (a freed port could be taken by another process).
    const dead = await deadEndpoint("reset");
    const port = Number(new URL(dead.url).port);
    const config = loadConfig({
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString({ blob: port, queue: port, table: port }),
    });
    const storage = createAzureStorage(config);
    const results = await Promise.allSettled([
      storage.jobs.get("3f1c0c0e-0000-4000-8000-000000000000"),
      storage.queue.send("x"),
      storage.poison.count(),
      storage.blobs.get("x"),
    ]);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      const reason = (result as PromiseRejectedResult).reason as Error;
      expect(reason).toBeInstanceOf(StorageUnavailableError);
      expect(reason.message).not.toContain(String(port)); // a client may read it: no endpoint in it
      expect(reason.cause).toBeInstanceOf(Error);
    }
  }, 30_000);
});

describe("the Table Storage job history index", () => {
  it("indexes a job written before the index existed when its status next changes", async () => {
    const { config, storage } = await isolatedStorage();
    const job = newJob({ owner: "key:legacy" });
    // The row as a version without the index wrote it: no index rows beside it.
    const client = TableClient.fromConnectionString(sharedAzurite(), config.table, {
      allowInsecureConnection: true,
    });
    await client.createEntity(toEntity({ ...job, updatedUtc: new Date() }));
    expect((await storage.jobs.list({ owner: "key:legacy", limit: 10 })).jobs).toEqual([]);
    const read = await storage.jobs.get(job.id);
    if (!read) throw new Error("the legacy row was not read back");
    await storage.jobs.update(read, { status: "processing", attempt: 1 });
    const page = await storage.jobs.list({ owner: "key:legacy", status: "processing", limit: 10 });
    expect(page.jobs.map((j) => j.id)).toEqual([job.id]);
  });
});
