// `praisonai-svc status` as a process: the admin stats from a running service (admin key from the environment)
// or straight from storage, once or --watch until Ctrl-C.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { BIN, ROOT, runCli, startApiProcess } from "./support/cli.js";
import { newJob } from "./support/conformance/job-store.js";
import { KEY_A, KEY_B } from "./support/security.js";
import { isolatedStorage } from "./support/storage.js";

const COUNTING = path.join(ROOT, "test/fixtures/cli/counting.ts");
const MIN = 60_000;

/** Storage with two done jobs, one failed, one cancelled and one queued in the last hour, and one message waiting. */
async function seeded() {
  const { env, storage } = await isolatedStorage({ PRAISONAI_SVC_API_KEYS: `admin:${KEY_A},bob:${KEY_B}` });
  const now = Date.now();
  const add = (status: "done" | "error" | "cancelled" | "queued", createdAgo: number, startedAgo?: number) =>
    storage.jobs.create(
      newJob({
        status,
        createdUtc: new Date(now - createdAgo),
        startedUtc: startedAgo === undefined ? undefined : new Date(now - startedAgo),
      }),
      [],
    );
  await add("done", 10 * MIN, 9 * MIN);
  await add("done", 8 * MIN, 7.5 * MIN);
  await add("error", 6 * MIN, 5 * MIN);
  await add("cancelled", 3 * MIN);
  await add("queued", 1 * MIN);
  await storage.queue.send("waiting");
  return { env, storage };
}

const FIGURES = [
  /Queue {7}1 waiting · 0 in the poison queue/,
  /Jobs {8}5 submitted: 1 queued · 0 processing · 2 done · 1 failed · 1 cancelled/,
  /Queue wait {2}median 1m00s · p95 1m00s \(3 jobs\)/,
  // Run until the rows were written (a moment ago): 7.5 and 9 minutes, plus the seconds since.
  /Run time {4}median 7m3\ds · p95 9m0\ds \(2 jobs\)/,
];

describe("praisonai-svc status", () => {
  it("shows a running service's figures, with the admin key from PRAISONAI_SVC_ADMIN_KEY", async () => {
    const { env } = await seeded();
    const { url } = await startApiProcess(COUNTING, env);
    const status = runCli(["status", "--url", url], { env: { PRAISONAI_SVC_ADMIN_KEY: KEY_A } });
    expect(await status.exited).toBe(0);
    const out = status.output();
    expect(out).toContain(`${url} · last 24 h`);
    for (const line of FIGURES) expect(out).toMatch(line);
  }, 90_000);

  it("says how to fix a refused key, without a stack trace", async () => {
    const { env } = await seeded();
    const { url } = await startApiProcess(COUNTING, env);
    const status = runCli(["status", "--url", url], { env: { PRAISONAI_SVC_ADMIN_KEY: KEY_B } });
    expect(await status.exited).toBe(1);
    expect(status.output()).toContain(
      "refused the admin key (403): set PRAISONAI_SVC_ADMIN_KEY to the key named admin",
    );
    expect(status.output()).not.toMatch(/\n\s+at /);
  }, 90_000);

  it("reads storage itself when a connection string is set, and keeps refreshing with --watch until Ctrl-C", async () => {
    const { env, storage } = await seeded();
    const status = runCli(["status", "--watch", "--interval", "2", "--hours", "3"], { env });
    await status.waitForOutput(/(last 3 h[\s\S]*){2}/, 60_000);
    for (const line of FIGURES) expect(status.output()).toMatch(line);
    expect(status.output()).toContain(`table ${env.PRAISONAI_SVC_TABLE} · last 3 h`);
    expect(status.output()).toContain("Trend       from the next refresh on");
    // Work arrives while it watches: the trend shows the queue growing and jobs being submitted.
    await storage.jobs.create(newJob(), []);
    await storage.queue.send("another");
    await status.waitForOutput(/Trend {7}queue \|[^|]*\| 1 → 2 \(\+1\) · poison 0 → 0 \(0\)/, 60_000);
    // The newest refresh's rate (earlier ones, before the new job, were 0.0).
    const rates = [...status.output().matchAll(/Per minute {2}([\d.]+) submitted · 0\.0 finished/g)];
    expect(Number(rates.at(-1)?.[1])).toBeGreaterThan(0);
    status.kill("SIGINT");
    expect(await status.exited).toBe(0);
  }, 90_000);

  it("ends quietly with status 0 when the reader of its output goes away (| head -3)", async () => {
    const { env } = await seeded();
    // bash for PIPESTATUS: the status of praisonai-svc, not of head; its stderr is this process's to read.
    const shell = spawn(
      "bash",
      [
        "-c",
        `"${process.execPath}" "${BIN}" status --watch --interval 2 --hours 3 | head -3; echo "status=\${PIPESTATUS[0]}" >&2`,
      ],
      // Its own process group: should the CLI not end, the test stops the pipeline (bash, node, head) whole.
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    onTestFinished(() => {
      if (shell.exitCode === null && shell.signalCode === null && shell.pid)
        process.kill(-shell.pid, "SIGKILL");
    });
    let out = "";
    let err = "";
    shell.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    shell.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => shell.once("exit", resolve));
    expect(code).toBe(0);
    expect(out.split("\n").filter(Boolean)).toHaveLength(3);
    expect(err).toBe("status=0\n"); // nothing else: no EPIPE, no stack trace
  }, 60_000);

  it("refuses a bad window or a URL with credentials, saying what to do", async () => {
    const bad = runCli(["status", "--hours", "0", "--url", "http://127.0.0.1:9"]);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain("--hours must be a whole number from 1 to 168");
    const creds = runCli(["status", "--url", "http://admin:secret@127.0.0.1:9"]);
    expect(await creds.exited).toBe(1);
    expect(creds.output()).toContain("put the admin key in PRAISONAI_SVC_ADMIN_KEY");
  }, 60_000);
});
