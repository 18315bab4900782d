// The package as a user receives it: `npm pack`'s tarball, installed without dev dependencies into a fresh
// project with its own handlers file, runs `run`, `api` and `worker`, and holds only what users need.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/local/azurite.js";
import { ROOT, runCli, waitForHealth, waitForJob } from "./support/cli.js";
import { npmInstall, npmPack, type Packed, projectWith, runToEnd, tempDir, userEnv } from "./support/npm.js";
import { isolatedEnv } from "./support/storage.js";

const own = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
};

/** A service written for this test: no version of its own (package.json's is shown), a tuple result. */
const HANDLERS = `import { type JobContext, NonRetriableError, ServiceApp } from "praisonai-svc";
import { z } from "zod";

const Order = z.object({ item: z.string().min(1), count: z.number().int().positive() });

const app = new ServiceApp("Packed Check");

app.job({ schema: Order }, async (order, ctx: JobContext) => {
  if (order.item === "refused") throw new NonRetriableError("not on the menu");
  const text: string = \`\${order.count} x \${order.item} (job \${ctx.jobId})\\n\`;
  return [text, "text/plain; charset=utf-8", "order.txt"];
});

export default app;
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2023",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    types: [],
    skipLibCheck: true,
  },
  include: ["handlers.ts"],
};

let packed: Packed;
let project: string;
let bin: string;

beforeAll(async () => {
  packed = await npmPack(ROOT, tempDir("pack"));
  project = projectWith("packed", {
    "package.json": JSON.stringify({ name: "packed-check", version: "3.1.4", private: true, type: "module" }),
    "handlers.ts": HANDLERS,
    "tsconfig.json": JSON.stringify(TSCONFIG),
  });
  // What the production image installs: the package and the handler's own imports, no dev tools, no Azurite.
  const install = await npmInstall(project, [packed.file, `zod@${own.dependencies.zod}`]);
  expect(install.code, install.out).toBe(0);
  bin = path.join(project, "node_modules", "praisonai-svc", "bin", "praisonai-svc.js");
}, 300_000);

/** Posts one order and waits for the file. */
async function orderThrough(url: string): Promise<string> {
  const res = await fetch(`${url}/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ item: "tea", count: 2 }),
  });
  expect(res.status).toBe(202);
  const id = ((await res.json()) as { job_id: string }).job_id;
  const job = await waitForJob(url, id, { timeoutMs: 30_000 });
  expect(job.status, JSON.stringify(job)).toBe("done");
  return (await fetch(`${url}/jobs/${id}/download`)).text();
}

describe("the packed package", () => {
  it("holds the compiled code, its types, the CLI, the Python module, README, LICENSE and CHANGELOG, and nothing else", () => {
    const top = [...new Set(packed.files.map((f) => f.split("/")[0]))].sort();
    expect(top).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "bin", "dist", "package.json", "python"]);
    for (const file of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli.js",
      "bin/praisonai-svc.js",
      "python/praisonai_svc/__init__.py",
      "python/praisonai_svc/_worker.py",
    ]) {
      expect(packed.files).toContain(file);
    }
    // No TypeScript sources (compiled), no source maps (they point at sources that are not shipped).
    expect(packed.files.filter((f) => f.startsWith("dist/") && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
    expect(packed.files.filter((f) => f.startsWith("bin/") && !/\.c?js$/.test(f))).toEqual([]);
    // No bytecode caches: Python writes its own beside the module where it may.
    expect(
      packed.files.filter((f) => f.startsWith("python/") && !/^python\/praisonai_svc\/\w+\.py$/.test(f)),
    ).toEqual([]);
  });

  it("is described in docs/publishing.md by its size and file count, to within 20 %", () => {
    const doc = readFileSync(path.join(ROOT, "docs", "publishing.md"), "utf8");
    const stated = /\*\*([\d.]+) kB\*\* packed \(([\d.]+) kB unpacked\),\s+\*\*(\d+) files\*\*/.exec(doc);
    expect(stated, "docs/publishing.md states **N kB** packed (N kB unpacked), **N files**").not.toBeNull();
    const [size, unpacked, count] = (stated ?? []).slice(1).map(Number) as [number, number, number];
    expect(packed.size / 1000 / size).toBeGreaterThan(0.8);
    expect(packed.size / 1000 / size).toBeLessThan(1.2);
    expect(packed.unpackedSize / 1000 / unpacked).toBeGreaterThan(0.8);
    expect(packed.unpackedSize / 1000 / unpacked).toBeLessThan(1.2);
    expect(packed.files.length / count).toBeGreaterThan(0.8);
    expect(packed.files.length / count).toBeLessThan(1.2);
  });

  it("gives a TypeScript project its types: the handlers file type-checks against the installed package", async () => {
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const check = await runToEnd(process.execPath, [tsc, "-p", "tsconfig.json"], project, 60_000);
    expect(check.code, check.out).toBe(0);
  });

  it("reports the version of its package.json with --version, and /health says the same", async () => {
    const version = runCli(["--version"], { bin, cwd: project, env: userEnv() });
    expect(await version.exited).toBe(0);
    expect(version.output().trim()).toBe(own.version);

    const port = await freePort();
    const run = runCli(["run", "--port", String(port)], {
      bin,
      cwd: project,
      env: userEnv({ ...isolatedEnv(), HOST: "127.0.0.1" }),
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, run, 60_000);
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toEqual({
      status: "ok",
      service: "Packed Check",
      version: "3.1.4",
      praisonai_svc: own.version,
    });
    // `run` starts its worker from the installed copy: a job goes all the way through.
    expect(await orderThrough(url)).toMatch(/^2 x tea \(job [\w-]+\)\n$/);
    run.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });

  it("runs `worker` and `api` as separate processes against a storage account (the test's Azurite)", async () => {
    const env = userEnv({ ...isolatedEnv(), HOST: "127.0.0.1" });
    const worker = runCli(["worker"], { bin, cwd: project, env });
    const port = await freePort();
    const api = runCli(["api", "--port", String(port)], { bin, cwd: project, env });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, api, 60_000);
    expect(await orderThrough(url)).toMatch(/^2 x tea/);
    for (const p of [api, worker]) p.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(await api.exited).toBe(0);
    expect(worker.output()).not.toMatch(/\n\s+at /); // no stack trace on the way
  });

  it("serves a handlers.py with the praisonai_svc module it ships (nothing pip-installed)", async () => {
    const dir = path.join(project, "py");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, "handlers.py"),
      [
        "from praisonai_svc import ServiceApp",
        'app = ServiceApp("Packed Python")',
        "",
        "@app.job",
        "def order(payload: dict, ctx) -> tuple[bytes, str, str]:",
        "    text = f\"{payload['count']} x {payload['item']} (job {ctx.job_id})\\n\"",
        '    return text.encode(), "text/plain; charset=utf-8", "order.txt"',
        "",
      ].join("\n"),
    );
    const port = await freePort();
    const run = runCli(["run", "py/handlers.py", "--port", String(port)], {
      bin,
      cwd: project,
      env: userEnv({ ...isolatedEnv(), HOST: "127.0.0.1" }),
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, run, 60_000);
    expect(((await (await fetch(`${url}/health`)).json()) as { service: string }).service).toBe(
      "Packed Python",
    );
    expect(await orderThrough(url)).toMatch(/^2 x tea \(job [\w-]+\)\n$/);
    run.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });
});
