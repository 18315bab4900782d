// What one job costs in storage calls, pinned: every call is a billed transaction and a round trip on the
// job's path (docs/performance.md, "A job is six storage calls"). A new call per job should be a decision.
import { describe, expect, it } from "vitest";
import { workerHarness } from "./support/worker-harness.js";

describe("one delivery's storage calls", () => {
  it("are five after the receive: read the row, claim, upload, commit, delete the message", async () => {
    const h = await workerHarness(
      async () => ({ data: "ok", contentType: "text/plain", filename: "ok.txt" }),
      {
        proxied: true,
      },
    );
    try {
      const id = await h.addJob({ n: 1 });
      const msg = await h.receive(); // the test's own receive, straight to Azurite: not counted
      const before = h.proxy?.stats.requests ?? Number.NaN;
      expect(await h.execute(msg)).toBe("done");
      // No read-back of the row after the claim or the commit: the transaction's answer carries the ETag.
      expect((h.proxy?.stats.requests ?? Number.NaN) - before).toBe(5);
      expect((await h.direct.jobs.get(id))?.status).toBe("done");
    } finally {
      await h.close();
    }
  });
});
