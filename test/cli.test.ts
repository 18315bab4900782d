// The CLI as a user runs it: real processes, real HTTP, Azurite.
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CliProcess,
  postJob,
  ROOT,
  runCli,
  startApiProcess,
  waitForHealth,
  waitForJob,
} from "./support/cli.js";
import { isolatedEnv } from "./support/storage.js";

const COUNTING = path.join(ROOT, "test/fixtures/cli/counting.ts");

/** A service project outside the repo, depending on this checkout, with no storage configured. */
function tempProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "svc-"));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(ROOT, path.join(dir, "node_modules", "praisonai-svc"));
  copyFileSync(COUNTING, path.join(dir, "handlers.ts"));
  return dir;
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ port, host: "127.0.0.1" });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });

/**
 * A project where this package is installed (a copy of dist/ and bin/) with every dependency but `missing`,
 * as a user who skipped it would have; returns the project folder and the installed CLI.
 */
function projectWithout(missing: string): { dir: string; bin: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "struct-without-"));
  const pkg = path.join(dir, "node_modules", "praisonai-svc");
  mkdirSync(path.join(pkg, "node_modules"), { recursive: true });
  for (const part of ["dist", "bin", "package.json"])
    cpSync(path.join(ROOT, part), path.join(pkg, part), { recursive: true });
  for (const dep of readdirSync(path.join(ROOT, "node_modules"))) {
    if (dep !== missing && dep !== ".bin")
      symlinkSync(path.join(ROOT, "node_modules", dep), path.join(pkg, "node_modules", dep));
  }
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  copyFileSync(path.join(ROOT, "test/fixtures/cli/plain.js"), path.join(dir, "handlers.js"));
  return { dir, bin: path.join(pkg, "bin", "praisonai-svc.js") };
}

/** The CLI's error output: one line, no stack trace. */
function expectOneLineError(output: string): string {
  const lines = output.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^praisonai-svc: /);
  return lines[0] as string;
}

/** Environment without any storage connection, as on a fresh machine. */
function noStorageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("AZURE_") && !k.startsWith("PRAISONAI_SVC_")) env[k] = v;
  }
  return env;
}

/** `praisonai-svc run` in a project folder with no storage configured, once it says it is ready. */
async function startRun(dir: string): Promise<{ proc: CliProcess; port: number }> {
  // Port 0: `run` binds a free port itself and its banner names it.
  const proc = runCli(["run", "--port", "0"], { cwd: dir, env: noStorageEnv() });
  await proc.waitForOutput(/Stop with Ctrl-C/, 60_000);
  const port = Number(/API: +http:\/\/127\.0\.0\.1:(\d+)\n/.exec(proc.output())?.[1]);
  if (!port) throw new Error(`the banner names no port:\n${proc.output()}`);
  return { proc, port };
}

describe("praisonai-svc run", () => {
  it("starts local storage itself, runs a job, says where everything is, and stops it all on Ctrl-C", async () => {
    const dir = tempProject();
    const { proc, port } = await startRun(dir);
    const out = proc.output();
    const url = `http://127.0.0.1:${port}`;
    expect(out).toContain(`API:      ${url}`);
    expect(out).toContain(`Docs:     ${url}/docs`);
    expect(out).toContain("local storage (Azurite)");
    const curl = out.match(/curl -sS -X POST .*/)?.[0];
    expect(curl).toContain(`${url}/jobs`);
    expect(curl).toContain(`'{"n":1}'`);

    const done = await waitForJob(url, await postJob(url, { n: 1 }));
    expect(done.status).toBe("done");
    expect(existsSync(path.join(dir, ".praisonai-svc", "azurite"))).toBe(true);
    const blobPort = Number(new URL(String(done.download_url)).port);
    expect(await portOpen(blobPort)).toBe(true);

    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
    expect(await portOpen(blobPort)).toBe(false); // Azurite stopped with it
    expect(await portOpen(port)).toBe(false);
  });

  it("keeps the API responsive while a CPU-heavy job runs", async () => {
    const dir = tempProject();
    const { proc, port } = await startRun(dir);
    const url = `http://127.0.0.1:${port}`;
    const id = await postJob(url, { spin_ms: 4000 });
    // Wait until the worker is inside the busy loop, then time the API.
    for (let i = 0; i < 100; i++) {
      const job = (await (await fetch(`${url}/jobs/${id}`)).json()) as { status: string };
      if (job.status === "processing") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      expect((await fetch(`${url}/health`)).status).toBe(200);
      times.push(performance.now() - t);
    }
    console.info(`[run] /health while the worker spins: ${times.map(Math.round).join(", ")} ms`);
    // An API sharing the worker's event loop would answer after the 4 s spin; half of it leaves room for load.
    expect(Math.max(...times)).toBeLessThan(2000);
    expect(((await (await fetch(`${url}/jobs/${id}`)).json()) as { status: string }).status).toBe(
      "processing",
    );
    expect((await waitForJob(url, id)).status).toBe("done");
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });
});

describe("praisonai-svc api + worker", () => {
  it("shares one storage account between an API and two worker processes: every job done, each once", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "exec-"));
    const execLog = path.join(dir, "exec.log");
    const env = isolatedEnv({
      EXEC_LOG: execLog,
      PRAISONAI_SVC_POLL_MIN: "0.05",
      PRAISONAI_SVC_POLL_MAX: "0.3",
      PRAISONAI_SVC_LOG_LEVEL: "info",
    });
    const { url } = await startApiProcess(COUNTING, env);
    const workers = [runCli(["worker", COUNTING], { env }), runCli(["worker", COUNTING], { env })];
    await Promise.all(workers.map((w) => w.waitForOutput(/worker polling/)));

    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => postJob(url, { n: i })));
    const jobs = await Promise.all(ids.map((id) => waitForJob(url, id, { timeoutMs: 45_000 })));
    expect(jobs.every((j) => j.status === "done")).toBe(true);

    const lines = readFileSync(execLog, "utf8").trim().split("\n");
    const executions = lines.map((l) => l.split(" ")[0]);
    expect(executions.sort()).toEqual([...ids].sort()); // each job ran exactly once
    const pids = new Set(lines.map((l) => l.split(" ")[1]));
    expect(pids.size).toBe(2); // both workers took jobs
  });
});

describe("handlers files", () => {
  it("runs a plain JavaScript handlers.js found by default, exported as `app`", async () => {
    const dir = tempProject();
    rmSync(path.join(dir, "handlers.ts"));
    copyFileSync(path.join(ROOT, "test/fixtures/cli/plain.js"), path.join(dir, "handlers.js"));
    const { proc, port } = await startRun(dir);
    const url = `http://127.0.0.1:${port}`;
    const done = await waitForJob(url, await postJob(url, { js: true }));
    expect(done).toMatchObject({ status: "done", filename: "p.json" });
    expect(await (await fetch(String(done.download_url))).json()).toEqual({ js: true });
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });

  it('says to add "type": "module" when a .ts file sits in a CommonJS package', async () => {
    const dir = tempProject();
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true }));
    const proc = runCli(["api"], { cwd: dir, env: isolatedEnv() });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('Add "type": "module"');
  });
});

describe("CLI errors a user can act on", () => {
  it("names a bad setting and exits 1", async () => {
    const proc = runCli(["api", COUNTING], {
      env: isolatedEnv({ PRAISONAI_SVC_VISIBILITY_TIMEOUT: "soon" }),
    });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('PRAISONAI_SVC_VISIBILITY_TIMEOUT="soon" is not valid');
    expect(proc.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("says how to get a handlers file when there is none", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "empty-"));
    const proc = runCli(["run"], { cwd: dir, env: noStorageEnv() });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/No handlers\.ts or handlers\.js.*praisonai-svc new service/s);
  });

  it("says what to export when the file has no ServiceApp", async () => {
    const dir = tempProject();
    writeFileSync(path.join(dir, "handlers.ts"), "export const x = 1;\n");
    const proc = runCli(["api"], { cwd: dir, env: isolatedEnv() });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain("export default app");
  });

  it("says in one line how to install local storage when Azurite is missing", async () => {
    const { dir, bin } = projectWithout("azurite");
    const proc = runCli(["run"], { cwd: dir, env: noStorageEnv(), bin });
    expect(await proc.exited).toBe(1);
    const line = expectOneLineError(proc.output());
    expect(line).toContain("npm install --save-dev azurite");
    expect(line).toContain("AZURE_STORAGE_CONNECTION_STRING");
  });

  it("says in one line why local storage could not start", async () => {
    const dir = tempProject();
    writeFileSync(path.join(dir, ".praisonai-svc"), "a file where the data folder should be");
    const proc = runCli(["run"], { cwd: dir, env: noStorageEnv() });
    expect(await proc.exited).toBe(1);
    expect(expectOneLineError(proc.output())).toMatch(
      /Local storage cannot keep its data in .*\.praisonai-svc/,
    );
  });

  it("asks for a connection string when `api` has no storage", async () => {
    const proc = runCli(["api", COUNTING], { env: noStorageEnv() });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain("AZURE_STORAGE_CONNECTION_STRING");
  });

  it("stops an API process cleanly on SIGTERM", async () => {
    const { proc, url } = await startApiProcess(COUNTING, isolatedEnv());
    await waitForHealth(url);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });
});
