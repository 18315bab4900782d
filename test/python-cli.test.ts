// handlers.py through the CLI as a user runs it: `run`, `api` + `worker`, real HTTP, Azurite.
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../src/local/azurite.js";
import { postJob, ROOT, runCli, startApiProcess, waitForJob } from "./support/cli.js";
import { pythonReporting } from "./support/python.js";
import { isolatedEnv } from "./support/storage.js";

const FIXTURE = path.join(ROOT, "test/fixtures/python/handlers.py");

/** A folder with only a handlers.py in it, as a Python author would have. */
function pythonProject(source?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "svc-py-"));
  if (source === undefined) copyFileSync(FIXTURE, path.join(dir, "handlers.py"));
  else writeFileSync(path.join(dir, "handlers.py"), source);
  return dir;
}

function noStorageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("AZURE_") && !k.startsWith("PRAISONAI_SVC_")) env[k] = v;
  }
  return env;
}

async function download(job: Record<string, unknown>): Promise<string> {
  const res = await fetch(String(job.download_url));
  expect(res.status).toBe(200);
  return res.text();
}

describe("praisonai-svc with handlers.py", () => {
  it("`run` finds handlers.py on its own, runs a job through the API and stops cleanly", async () => {
    const dir = pythonProject();
    const port = await freePort();
    const proc = runCli(["run", "--port", String(port)], { cwd: dir, env: noStorageEnv() });
    await proc.waitForOutput(/Stop with Ctrl-C/, 90_000);
    expect(proc.output()).toContain("Python fixture is running");
    expect(proc.output()).toContain(`'{"title":"Hello"}'`);
    const url = `http://127.0.0.1:${port}`;
    const job = await waitForJob(url, await postJob(url, { title: "From Python" }), { timeoutMs: 90_000 });
    expect(job).toMatchObject({ status: "done", filename: "out.txt", content_type: "text/plain" });
    expect(await download(job)).toBe("title=From Python;attempt=1");
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
  }, 180_000);

  it("`api` and `worker` as two processes: retries, non-retriable errors and the handler's prints in the log", async () => {
    const env = isolatedEnv({ PRAISONAI_SVC_RETRY_BACKOFF: "0.2", PRAISONAI_SVC_LOG_LEVEL: "info" });
    const { proc: api, url } = await startApiProcess(FIXTURE, env);
    const worker = runCli(["worker", FIXTURE], { env });
    await worker.waitForOutput(/worker polling/, 60_000);

    const ok = await waitForJob(url, await postJob(url, { title: "Two" }), { timeoutMs: 60_000 });
    expect(await download(ok)).toBe("title=Two;attempt=1");
    // The worker logged the print before its commit, but its log reaches this process through a pipe that
    // may not have been read yet when the API already shows the job done.
    await worker.waitForOutput(/making Two/, 10_000);
    const printed = worker
      .output()
      .split("\n")
      .find((l) => l.includes("making Two"));
    expect(JSON.parse(printed as string)).toMatchObject({
      jobId: ok.job_id,
      source: "python",
      stream: "stdout",
    });

    // Output below sys.stdout (os.write on fds 1 and 2, C's printf, a child process, a last line with no
    // newline) is logged under its job too.
    const writes = ["fd1", "fd2", "printf", "child", "partial"];
    const below = await waitForJob(url, await postJob(url, { mode: "fd", writes }), { timeoutMs: 60_000 });
    expect(below.status).toBe("done");
    await worker.waitForOutput(new RegExp(`partial ${below.job_id}`), 10_000);
    for (const [kind, stream] of [
      ["fd1", "stdout"],
      ["fd2", "stderr"],
      ["printf", "stdout"],
      ["child", "stdout"],
      ["partial", "stdout"],
    ]) {
      const line = worker
        .output()
        .split("\n")
        .find((l) => l.includes(`"${kind} ${below.job_id}"`));
      expect(line, kind).toBeDefined();
      expect(JSON.parse(line as string), kind).toMatchObject({
        jobId: below.job_id,
        source: "python",
        stream,
      });
    }

    const retried = await waitForJob(url, await postJob(url, { mode: "fail_once" }), { timeoutMs: 60_000 });
    expect(retried).toMatchObject({ status: "done", retry_count: 1 });

    const failed = await waitForJob(url, await postJob(url, { mode: "fatal" }), { timeoutMs: 60_000 });
    expect(failed).toMatchObject({ status: "error", error_msg: "the deck has no slides", retry_count: 1 });

    const wrong = await waitForJob(url, await postJob(url, { mode: "wrong", n: 1 }), { timeoutMs: 90_000 });
    expect(wrong.status).toBe("error");
    expect(String(wrong.error_msg)).toMatch(/the handler returned int 42/);
    // The traceback is for the author (the worker's log), never in what the API answers.
    expect(JSON.stringify(wrong)).not.toContain("Traceback");
    expect(worker.output()).toContain("Traceback");

    worker.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    api.kill("SIGTERM");
    await api.exited;
  }, 240_000);

  it("refuses to start when handlers.py does not import, showing the author its traceback", async () => {
    const dir = pythonProject("from praisonai_svc import ServiceApp\nimport nowhere_to_be_found\n");
    const proc = runCli(["api", "handlers.py", "--port", "0"], { cwd: dir, env: isolatedEnv() });
    expect(await proc.exited).toBe(1);
    const out = proc.output();
    expect(out).toMatch(
      /^praisonai-svc: Could not load .*handlers\.py: ModuleNotFoundError: No module named 'nowhere_to_be_found'/m,
    );
    expect(out).toMatch(/Traceback \(most recent call last\):[\s\S]*handlers\.py", line 2/);
  }, 60_000);

  it.each([
    [
      "is Python 3.8",
      () => pythonReporting("3.8.18"),
      /cannot run handlers\.py: it is Python 3\.8\.18, and praisonai-svc needs 3\.9 or newer/,
    ],
    [
      "is not Python (/bin/false)",
      () => "/bin/false",
      /"\/bin\/false" exited \(exit code 1\) before it had loaded .*: is it Python 3\.9 or newer\?/,
    ],
    ["does not exist", () => "/opt/none/python9", /Python interpreter "\/opt\/none\/python9" was not found/],
  ])(
    "exits 1 with what to install, and no stack trace, when PRAISONAI_SVC_PYTHON %s",
    async (_what, python, says) => {
      const dir = pythonProject();
      const proc = runCli(["worker"], { cwd: dir, env: isolatedEnv({ PRAISONAI_SVC_PYTHON: python() }) });
      expect(await proc.exited).toBe(1);
      const out = proc.output().trim();
      expect(out).toMatch(new RegExp(`^praisonai-svc: .*${says.source}`));
      expect(out).toMatch(
        /install Python 3\.9 or newer \(Debian: apt-get install python3 python3-venv\).*PRAISONAI_SVC_PYTHON/,
      );
      expect(out).not.toMatch(/\n\s+at |Error:|Traceback/);
    },
    60_000,
  );
});
