// The behaviour every BlobStore driver must have.
import { describe, expect, it } from "vitest";
import type { BlobStore } from "../../../src/storage/types.js";

export function testBlobStore(name: string, makeStore: () => Promise<BlobStore>): void {
  describe(`BlobStore conformance: ${name}`, () => {
    it("stores bytes and reads them back exactly", async () => {
      const store = await makeStore();
      const data = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
      await store.put("a/b/file.bin", data, { contentType: "application/octet-stream" });
      expect(Buffer.compare(await store.get("a/b/file.bin"), data)).toBe(0);
    });

    it("signs a read-only link that downloads the bytes with content type and filename", async () => {
      const store = await makeStore();
      await store.put("j/1/report.txt", Buffer.from("hello"), {
        contentType: "text/plain",
        filename: "report.txt",
      });
      const link = await store.sign("j/1/report.txt", 3_600_000, {
        contentType: "text/plain",
        filename: "report.txt",
      });
      expect(link.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
      const res = await fetch(link.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("hello");
      expect(res.headers.get("content-type")).toBe("text/plain");
      expect(res.headers.get("content-disposition")).toBe("attachment; filename=report.txt");
      // Read-only: the same link cannot write.
      const put = await fetch(link.url, {
        method: "PUT",
        body: "x",
        headers: { "x-ms-blob-type": "BlockBlob" },
      });
      expect(put.status).toBe(403);
    });

    it("refuses access without a signature (the container is private)", async () => {
      const store = await makeStore();
      await store.put("private.txt", Buffer.from("secret"), { contentType: "text/plain" });
      const link = await store.sign("private.txt", 60_000, { contentType: "text/plain" });
      const res = await fetch(link.url.split("?")[0] as string);
      expect([403, 404]).toContain(res.status);
    });

    it("deletes a blob, and deleting it again is not an error", async () => {
      const store = await makeStore();
      await store.put("gone.txt", Buffer.from("x"), { contentType: "text/plain" });
      await store.delete("gone.txt");
      await expect(store.get("gone.txt")).rejects.toBeTruthy();
      await store.delete("gone.txt");
    });

    it("lists the names under a prefix, and nothing outside it", async () => {
      const store = await makeStore();
      const job = `list-${Date.now()}`;
      for (const name of [`${job}/payload.json`, `${job}/2/b.txt`, `${job}/1/a.txt`, `${job}x/1/a.txt`]) {
        await store.put(name, Buffer.from("x"), { contentType: "text/plain" });
      }
      expect((await store.list(`${job}/`)).sort()).toEqual([
        `${job}/1/a.txt`,
        `${job}/2/b.txt`,
        `${job}/payload.json`,
      ]);
      expect(await store.list(`${job}/3/`)).toEqual([]);
    });
  });
}
