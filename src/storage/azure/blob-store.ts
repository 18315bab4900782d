// BlobStore on Azure Blob Storage: a private container; downloads through short-lived read-only SAS URLs.
import { BlobSASPermissions, BlobServiceClient } from "@azure/storage-blob";
import { contentDisposition } from "../../util/content-disposition.js";
import type { BlobStore } from "../types.js";
import { isStatus } from "./errors.js";
import { BLOB_CALL_TIMEOUT_MS, STORAGE_RETRY, within } from "./retry.js";

export interface AzureBlobStoreOptions {
  connectionString: string;
  containerName: string;
}

const call = () => within(BLOB_CALL_TIMEOUT_MS);

export function createAzureBlobStore(opts: AzureBlobStoreOptions): BlobStore {
  const container = BlobServiceClient.fromConnectionString(opts.connectionString, {
    retryOptions: STORAGE_RETRY,
  }).getContainerClient(opts.containerName);

  return {
    async init() {
      await container.createIfNotExists(call()); // no public access: private by default
    },

    async put(name, data, headers) {
      await container.getBlockBlobClient(name).uploadData(data, {
        blobHTTPHeaders: {
          blobContentType: headers.contentType,
          blobContentDisposition: headers.filename ? contentDisposition(headers.filename) : undefined,
        },
        ...call(),
      });
    },

    async get(name) {
      return container.getBlobClient(name).downloadToBuffer(0, undefined, call());
    },

    async sign(name, ttlMs, headers) {
      // Start a little in the past: the signer's and the storage's clocks may disagree.
      const startsOn = new Date(Date.now() - 5 * 60_000);
      const expiresOn = new Date(Date.now() + ttlMs);
      const url = await container.getBlobClient(name).generateSasUrl({
        permissions: BlobSASPermissions.parse("r"),
        startsOn,
        expiresOn,
        contentType: headers.contentType,
        contentDisposition: headers.filename ? contentDisposition(headers.filename) : undefined,
      });
      return { url, expiresAt: expiresOn };
    },

    async delete(name) {
      try {
        await container.deleteBlob(name, call());
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    },

    async list(prefix) {
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix, ...call() })) names.push(blob.name);
      return names;
    },
  };
}
