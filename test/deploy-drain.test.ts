// `praisonai-svc drain`, the worker of the Container Apps job layout: runs what is queued, then exits.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, startApiProcess, waitForJob } from "./support/cli.js";
import { isolatedEnv } from "./support/storage.js";

const HANDLERS = path.join(ROOT, "test", "fixtures", "az", "greeting-handlers.ts");

describe("drain", () => {
  it("runs the queued jobs and exits 0 once the queue stays empty", async () => {
    const env = isolatedEnv({ PRAISONAI_SVC_POLL_MIN: "0.1", PRAISONAI_SVC_POLL_MAX: "0.5" });
    const { url } = await startApiProcess(HANDLERS, env);
    const ids: string[] = [];
    for (const name of ["Ada", "Grace"]) {
      const res = await fetch(`${url}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { job_id: string }).job_id);
    }
    const started = Date.now();
    const drain = runCli(["drain", HANDLERS, "--idle", "1"], {
      env: { ...env, PRAISONAI_SVC_LOG_LEVEL: "info" },
    });
    expect(await drain.exited, drain.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    for (const id of ids) expect((await waitForJob(url, id, { timeoutMs: 1000 })).status).toBe("done");
    expect(drain.output()).toMatch(/queue empty/);
  });

  it("refuses a non-positive --idle", async () => {
    const drain = runCli(["drain", HANDLERS, "--idle", "0"], { env: isolatedEnv() });
    expect(await drain.exited).toBe(1);
    expect(drain.output()).toMatch(/--idle="0" is not valid: expected a number of seconds from 0.001/);
  });
});
