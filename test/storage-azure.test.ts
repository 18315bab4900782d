// The Azure drivers (against Azurite) pass the shared storage conformance suite.
import { testBlobStore } from "./support/conformance/blob-store.js";
import { testJobQueue } from "./support/conformance/job-queue.js";
import { testJobStore } from "./support/conformance/job-store.js";
import { isolatedStorage } from "./support/storage.js";

testJobStore("Azure Table Storage", async () => (await isolatedStorage()).storage.jobs);
testJobQueue("Azure Queue Storage", async () => (await isolatedStorage()).storage.queue);
testBlobStore("Azure Blob Storage", async () => (await isolatedStorage()).storage.blobs);
