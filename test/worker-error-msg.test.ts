// A handler's error is kept as the job's `error_msg`, at most 10 KB (README: "at most 10 KB"), while the job
// waits for a retry and once it failed for good (the poison record too); a cut is marked, never mid-character.
import { describe, expect, it } from "vitest";
import { parsePoisonRecord } from "../src/jobs/poison.js";
import { workerHarness } from "./support/worker-harness.js";

const CAP = 10_000;
// 40 KB of text with two- and three-byte characters, so a cut at a byte limit can split one.
const HUGE = `first line of a long error; ${"é€ ".repeat(6000)}`;

const expectCapped = (msg: string | undefined) => {
  expect(Buffer.byteLength(msg ?? "", "utf8")).toBeLessThanOrEqual(CAP);
  expect(Buffer.byteLength(msg ?? "", "utf8")).toBeGreaterThan(CAP - 20);
  expect(msg).toMatch(/^first line of a long error; é€ /);
  expect(msg).toMatch(/ …\[truncated\]$/);
  expect(msg).not.toContain("\uFFFD");
};

describe("a huge handler error", () => {
  it("is cut to 10 KB while the job waits for its retry", async () => {
    const h = await workerHarness(() => Promise.reject(new Error(HUGE)));
    const id = await h.addJob({ n: 1 });
    expect(await h.execute(await h.receive())).toBe("retrying");
    const job = await h.direct.jobs.get(id);
    expect(job).toMatchObject({ status: "queued", retryCount: 1 });
    expectCapped(job?.errorMsg);
  });

  it("is cut to 10 KB on the failed job and in its poison record", async () => {
    const h = await workerHarness(() => Promise.reject(new Error(HUGE)), {
      env: { PRAISONAI_SVC_MAX_DEQUEUE: "1" },
    });
    const id = await h.addJob({ n: 2 });
    expect(await h.execute(await h.receive())).toBe("failed");
    const job = await h.direct.jobs.get(id);
    expect(job?.status).toBe("error");
    expectCapped(job?.errorMsg);
    const [record] = await h.direct.poison.peek(1);
    const parsed = parsePoisonRecord(record?.body ?? "");
    expect(parsed?.job_id).toBe(id);
    expect(parsed?.error_msg).toBe(job?.errorMsg);
  });
});
