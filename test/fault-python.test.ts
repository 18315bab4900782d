// Fault injection for the Python runner: real `api` and `worker` processes, a real Python pool, Azurite.
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CliProcess,
  pidAlive,
  postJob,
  ROOT,
  runCli,
  startApiProcess,
  waitForJob,
} from "./support/cli.js";
import { FAST_TIMINGS, waitUntil } from "./support/fault-cluster.js";
import { isolatedEnv } from "./support/storage.js";

const HANDLERS = path.join(ROOT, "test/fixtures/python/handlers.py");

async function cluster(overrides: Record<string, string> = {}) {
  const env = isolatedEnv({ ...FAST_TIMINGS, ...overrides });
  const { proc: api, url } = await startApiProcess(HANDLERS, env);
  const worker = runCli(["worker", HANDLERS], { env });
  await worker.waitForOutput(/"msg":"worker polling"/, 60_000);
  const submit = (payload: unknown) => postJob(url, payload);
  return { api, url, worker, submit };
}

/** The pid the Python handler printed for this mark, read from the worker's log. */
async function printedPid(worker: CliProcess, mark: RegExp): Promise<number> {
  const [, pid] = await worker.waitForOutput(new RegExp(`"msg":"pid=(\\d+) ${mark.source}`), 60_000);
  return Number(pid);
}

describe("the Python runner under faults", () => {
  it("retries the job in a fresh Python process after kill -9 of the one running it; the worker lives on", async () => {
    const { url, worker, submit } = await cluster();
    const id = await submit({ mode: "pid_sleep", seconds: 3, case: "kill-9" });
    const pid = await printedPid(worker, /attempt=1/);
    process.kill(pid, "SIGKILL");
    const job = await waitForJob(url, id, { timeoutMs: 90_000 });
    expect(job).toMatchObject({ status: "done", retry_count: 1 });
    const second = await printedPid(worker, /attempt=2/);
    expect(second).not.toBe(pid);
    expect(await (await fetch(String(job.download_url))).text()).toBe(`pid=${second}`);
    expect(worker.output()).toMatch(
      /the Python process running the job exited \(signal SIGKILL\); it was replaced/,
    );
    expect(worker.child.exitCode).toBeNull();
  }, 180_000);

  it("fails a handler that ignores the interrupt with the timeout, kills its process and keeps serving", async () => {
    const { url, worker, submit } = await cluster({
      PRAISONAI_SVC_JOB_TIMEOUT: "1",
      PRAISONAI_SVC_PYTHON_KILL_GRACE: "1",
    });
    const id = await submit({ mode: "hang" });
    const pid = await printedPid(worker, /hanging/);
    const job = await waitForJob(url, id, { timeoutMs: 60_000 });
    expect(job).toMatchObject({ status: "error", error_msg: "Job exceeded 1 second timeout" });
    await waitUntil(() => !pidAlive(pid) || undefined, 20_000, `pid ${pid} to exit`);
    expect(worker.output()).toContain("the Python handler ignored the interrupt; killing its process");
    const next = await waitForJob(url, await submit({ title: "after the hang" }), { timeoutMs: 60_000 });
    expect(next.status).toBe("done");
  }, 180_000);

  it("logs megabytes a handler prints without stalling it, and the next job runs", async () => {
    const { url, worker, submit } = await cluster();
    const job = await waitForJob(url, await submit({ mode: "spam", lines: 5000 }), { timeoutMs: 90_000 });
    expect(job.status).toBe("done");
    // Every line reaches the worker's log (pino writes asynchronously: it may trail the commit).
    await worker.waitForOutput(/"msg":"x{1000} 4999"/, 60_000);
    const printed = worker
      .output()
      .split("\n")
      .filter((l) => l.includes('"stream":"stdout"'));
    expect(printed).toHaveLength(5000);
    const next = await waitForJob(url, await submit({ title: "after the spam" }), { timeoutMs: 60_000 });
    expect(next.status).toBe("done");
  }, 180_000);

  it("hands a running Python job back to the queue on shutdown and leaves no Python process behind", async () => {
    const { url, worker, submit } = await cluster({ PRAISONAI_SVC_SHUTDOWN_GRACE: "1" });
    const id = await submit({ mode: "pid_sleep", seconds: 30 });
    const pid = await printedPid(worker, /attempt=1/);
    worker.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(pidAlive(pid)).toBe(false);
    const job = (await (await fetch(`${url}/jobs/${id}`)).json()) as { status: string };
    expect(job.status).toBe("queued");
  }, 180_000);
});
