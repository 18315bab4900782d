// `praisonai-svc new service`: the files it writes, and the whole path a new user takes:
// new → npm install (against this checkout) → npm test → praisonai-svc run → one job done over HTTP.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SETTINGS } from "../src/config/settings.js";
import { freePort } from "../src/local/azurite.js";
import { ROOT, runCli, waitForHealth, waitForJob } from "./support/cli.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "praisonai-new-"));
  dirs.push(dir);
  return dir;
}

async function scaffold(args: string[]): Promise<{ code: number | string; output: string; dir: string }> {
  const cwd = tempDir();
  const proc = runCli(["new", "service", ...args], { cwd });
  const code = await proc.exited;
  return { code, output: proc.output(), dir: path.join(cwd, args[0] ?? "") };
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), "utf8");

/** Runs a command to completion within a time limit; resolves with its exit code and output. */
function run(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    // A clean npm environment: `npm test` exports its own npm_* settings, which must not leak into the project's npm.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    const child = spawn(cmd, args, { cwd, env: { ...env, npm_config_fund: "false" } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

describe("new service", () => {
  it("writes a project: ESM package.json, handlers.ts, .env.example, Dockerfile, README and a test", async () => {
    const { code, output, dir } = await scaffold(["ppt-maker"]);
    expect(code, output).toBe(0);
    for (const file of [
      "handlers.ts",
      "package.json",
      ".env.example",
      "Dockerfile",
      ".dockerignore",
      "README.md",
    ]) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(existsSync(path.join(dir, "test", "handlers.test.ts"))).toBe(true);
    const pkg = JSON.parse(read(dir, "package.json"));
    const own = JSON.parse(read(ROOT, "package.json"));
    expect(pkg).toMatchObject({ name: "ppt-maker", type: "module" });
    expect(pkg.dependencies).toEqual({ "praisonai-svc": `^${own.version}`, zod: own.dependencies.zod });
    expect(pkg.devDependencies.azurite).toBe(own.devDependencies.azurite);
    expect(read(dir, "handlers.ts")).toMatch(/import \{ ServiceApp \} from "praisonai-svc";/);
    expect(read(dir, "README.md")).toMatch(/npx praisonai-svc run[\s\S]*npm test[\s\S]*deploy azure/);
  });

  it("documents every setting in .env.example, with its default", async () => {
    const { dir } = await scaffold(["svc-env"]);
    const env = read(dir, ".env.example");
    for (const s of Object.values(SETTINGS)) expect(env).toContain(`# ${s.env}=${s.default}\n`);
    expect(env).toContain("# AZURE_STORAGE_CONNECTION_STRING=");
  });

  it("writes a multi-stage production Dockerfile: npm ci --omit=dev, non-root, port 8080, a health check", async () => {
    const { dir } = await scaffold(["svc-image"]);
    const dockerfile = read(dir, "Dockerfile");
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(dockerfile).toMatch(/COPY --from=deps/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "-e", ".*\/health/m);
    expect(dockerfile).toMatch(/^CMD \["praisonai-svc", "api"\]$/m);
    expect(read(dir, ".dockerignore")).toMatch(/^node_modules$[\s\S]*^\.env$/m);
  });

  it("imports the package given with --package and adds it to the dependencies", async () => {
    const { code, dir } = await scaffold(["deck-svc", "--package", "@acme/deck-builder"]);
    expect(code).toBe(0);
    expect(read(dir, "handlers.ts")).toContain('import * as generator from "@acme/deck-builder";');
    expect(JSON.parse(read(dir, "package.json")).dependencies["@acme/deck-builder"]).toBeDefined();
  });

  it.each([
    [["Bad_Name"], /not a valid service name: use 2-32 lowercase/],
    [["ok-name", "--package", "not a package"], /is not an npm package name/],
    [["thing"], /Unknown kind "widget"/, "widget"],
  ])("refuses %j with a message saying what to do", async (args, message, kind = "service") => {
    const proc = runCli(["new", kind, ...args], { cwd: tempDir() });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(message);
  });

  it("refuses to write into a folder that is not empty", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "keep.txt"), "mine");
    const proc = runCli(["new", "service", "here-svc", "--dir", "."], { cwd });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/already exists and is not empty/);
    expect(read(cwd, "keep.txt")).toBe("mine");
  });

  it("installs, passes its own test, and runs one job end to end over HTTP", {
    timeout: 240_000,
  }, async () => {
    const { code, output, dir } = await scaffold(["hello-svc"]);
    expect(code, output).toBe(0);
    // The dependency on praisonai-svc points at this checkout; everything else comes from npm's cache.
    const install = await run("npm", ["install", ROOT, "--prefer-offline", "--no-audit"], dir, 150_000);
    expect(install.code, install.out).toBe(0);
    const test = await run("npm", ["test"], dir, 60_000);
    expect(test.code, test.out).toBe(0);
    expect(test.out).toMatch(/# pass 3/);

    const port = await freePort();
    const bin = path.join(dir, "node_modules", ".bin", "praisonai-svc");
    let server: ChildProcess | undefined;
    let log = "";
    try {
      server = spawn(process.execPath, [bin, "run"], {
        cwd: dir,
        env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", AZURE_STORAGE_CONNECTION_STRING: "" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      server.stdout?.on("data", (d: Buffer) => (log += d.toString()));
      server.stderr?.on("data", (d: Buffer) => (log += d.toString()));
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url, undefined, 60_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${log.slice(-3000)}`);
      });
      const res = await fetch(`${url}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Ada" }),
      });
      expect(res.status, log.slice(-3000)).toBe(202);
      const { job_id } = (await res.json()) as { job_id: string };
      const job = await waitForJob(url, job_id, { timeoutMs: 30_000 }).catch((e: Error) => {
        throw new Error(`${e.message}\n${log.slice(-3000)}`);
      });
      expect(job.status, log.slice(-3000)).toBe("done");
      const download = await fetch(`${url}/jobs/${job_id}/download`);
      expect(await download.text()).toBe("Hello, Ada!\n");
    } finally {
      if (server && server.exitCode === null) {
        const exited = new Promise((r) => server?.once("exit", r));
        server.kill("SIGTERM");
        const timer = setTimeout(() => server?.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
    }
  });
});
