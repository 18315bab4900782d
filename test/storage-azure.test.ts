// The Azure drivers (against Azurite) pass the shared storage conformance suite, and report outages as such.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { StorageUnavailableError } from "../src/errors.js";
import { azuriteConnectionString, freePort } from "../src/local/azurite.js";
import { createAzureStorage } from "../src/storage/azure/index.js";
import { testBlobStore } from "./support/conformance/blob-store.js";
import { testJobQueue } from "./support/conformance/job-queue.js";
import { testJobStore } from "./support/conformance/job-store.js";
import { isolatedStorage } from "./support/storage.js";

testJobStore("Azure Table Storage", async () => (await isolatedStorage()).storage.jobs);
testJobQueue("Azure Queue Storage", async () => (await isolatedStorage()).storage.queue);
testBlobStore("Azure Blob Storage", async () => (await isolatedStorage()).storage.blobs);

describe("Azure drivers during an outage", () => {
  it("throw StorageUnavailableError from every concern, with the SDK's error as the cause", async () => {
    const port = await freePort(); // nothing listens there
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
