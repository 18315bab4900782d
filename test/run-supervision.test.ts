// `run` keeps its worker (a child process) alive: a worker that dies is restarted, at most 5 times a minute;
// and a worker never outlives `run` (docs/architecture.md, "`run` puts the worker in a child process").
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CliProcess, pidAlive, postJob, ROOT, runCli, waitForJob } from "./support/cli.js";
import { waitUntil } from "./support/fault-cluster.js";
import { isolatedEnv } from "./support/storage.js";

const HANDLERS = path.join(ROOT, "test", "fixtures", "cli", "supervised.ts");
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `run` on the shared Azurite, on a port of its own choosing; resolves with its URL once it serves. */
async function startRun(
  env: Record<string, string> = {},
): Promise<{ run: CliProcess; url: string; pids: () => number[] }> {
  dir = mkdtempSync(path.join(tmpdir(), "praisonai-run-"));
  const pidFile = path.join(dir, "pids");
  const run = runCli(["run", HANDLERS, "--port", "0"], {
    env: isolatedEnv({ PRAISONAI_TEST_PIDS: pidFile, PRAISONAI_SVC_LOG_LEVEL: "info", ...env }),
  });
  const [, url] = await run.waitForOutput(/API: +(http:\/\/127\.0\.0\.1:\d+)\n/, 60_000);
  const pids = () =>
    existsSync(pidFile)
      ? readFileSync(pidFile, "utf8")
          .split("\n")
          .filter((l) => l !== "")
          .map(Number)
      : [];
  return { run, url: url as string, pids };
}

const count = (text: string, what: string): number => text.split(what).length - 1;

describe("run's worker", () => {
  it("is restarted when killed, runs jobs again, and ends when run is killed", {
    timeout: 120_000,
  }, async () => {
    const { run, url, pids } = await startRun();
    const [first] = await waitUntil(() => (pids().length === 1 ? pids() : undefined), 60_000, "the worker");
    process.kill(first as number, "SIGKILL");
    const [, second] = await waitUntil(
      () => (pids().length === 2 ? pids() : undefined),
      60_000,
      "a new worker",
    );
    expect(second).not.toBe(first);
    expect(run.output()).toContain("worker exited; restarting it");

    const job_id = await postJob(url, { n: Math.random() });
    expect((await waitForJob(url, job_id, { timeoutMs: 60_000 })).status).toBe("done");

    // `run` dies without a chance to stop anything: its worker notices (the IPC channel closes) and ends.
    process.kill(run.pid, "SIGKILL");
    await run.exited;
    const killedAt = Date.now();
    await waitUntil(() => (pidAlive(second as number) ? undefined : true), 30_000, `worker ${second} to end`);
    console.info(`[run] the worker ended ${Date.now() - killedAt} ms after run was killed`);
  });

  it("is restarted at most 5 times a minute", { timeout: 120_000 }, async () => {
    const { run, url, pids } = await startRun({ PRAISONAI_TEST_WORKER_EXIT: "1" });
    await run.waitForOutput(/worker keeps exiting; not restarting it again/, 90_000);
    // Restarts come 1 s after an exit: give a 7th worker three times that to (wrongly) appear.
    await new Promise((r) => setTimeout(r, 3000));
    const started = pids();
    expect(started).toHaveLength(6); // the first worker and 5 restarts
    expect(new Set(started).size).toBe(6);
    expect(count(run.output(), "worker exited; restarting it")).toBe(5);
    expect(count(run.output(), "worker keeps exiting")).toBe(1);
    expect(started.filter(pidAlive)).toEqual([]);
    // The API stays up without a worker.
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});
