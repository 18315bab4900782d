// `praisonai-svc build` on a new project installed as the image installs it (the packed tarball, no
// devDependencies): the compiled file is what `api` and `worker` run, a job completes over HTTP against
// Azurite, stack traces and import.meta.url still name the sources, a stale build never runs, and bad
// sources fail the build with the file and line.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { createServiceProject } from "../src/scaffold/generate.js";
import { type CliProcess, ROOT, runCli, waitForHealth, waitForJob } from "./support/cli.js";
import { npmPack, runToEnd, tempDir, userEnv } from "./support/npm.js";
import { isolatedEnv } from "./support/storage.js";

let project: string;
let bin: string;

beforeAll(async () => {
  const packed = await npmPack(ROOT, tempDir("pack"));
  project = createServiceProject({
    name: "built-svc",
    cwd: tempDir("build"),
    origin: { from: "registry" },
  }).dir;
  // The Dockerfile's install: production dependencies only (esbuild comes with praisonai-svc, as tsx does).
  const install = await runToEnd(
    "npm",
    ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", packed.file],
    project,
    300_000,
    userEnv(),
  );
  expect(install.code, install.out).toBe(0);
  bin = path.join(project, "node_modules", "praisonai-svc", "bin", "praisonai-svc.js");
}, 400_000);

const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  writeFileSync(path.join(project, file), text);
};

async function build(args: string[] = []): Promise<CliProcess> {
  const proc = runCli(["build", ...args], { bin, cwd: project, env: userEnv() });
  await proc.exited;
  return proc;
}

/** `worker` (given the file through PRAISONAI_SVC_HANDLERS, as in the image) and `api <file>`; one job's download. */
async function jobThrough(file: string, payload: unknown): Promise<{ text: string; logs: string }> {
  const env = userEnv({ ...isolatedEnv(), HOST: "127.0.0.1", PRAISONAI_SVC_LOG_LEVEL: "info" });
  const worker = runCli(["worker"], { bin, cwd: project, env: { ...env, PRAISONAI_SVC_HANDLERS: file } });
  const api = runCli(["api", file, "--port", "0"], { bin, cwd: project, env });
  const logs = () => `${api.output()}\n${worker.output()}`;
  try {
    const [, url = ""] = await api.waitForOutput(
      /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*API listening/,
      60_000,
    );
    await waitForHealth(url, api);
    await worker.waitForOutput(/worker polling/, 60_000);
    const res = await fetch(`${url}/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    expect(res.status, logs()).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };
    const job = await waitForJob(url, job_id, { timeoutMs: 30_000 });
    expect(job.status, `${JSON.stringify(job)}\n${logs()}`).toBe("done");
    return { text: await (await fetch(`${url}/jobs/${job_id}/download`)).text(), logs: logs() };
  } finally {
    for (const p of [api, worker]) p.kill("SIGTERM");
    expect(await worker.exited, logs()).toBe(0);
    expect(await api.exited, logs()).toBe(0);
  }
}

describe("praisonai-svc build", () => {
  it("compiles the new project's handlers.ts to dist/handlers.mjs, which `api` and `worker` serve: a job completes", async () => {
    const built = await build();
    expect(built.output()).toMatch(/Compiled handlers\.ts to dist\/handlers\.mjs in \d+ ms/);
    expect(await built.exited).toBe(0);
    const compiled = readFileSync(path.join(project, "dist", "handlers.mjs"), "utf8");
    // Packages stay imports of node_modules, but zod, which is bundled; the project's code is in the file.
    expect(compiled).toMatch(/from "praisonai-svc"/);
    expect(compiled).not.toMatch(/from "zod"/);
    expect(compiled).toMatch(/sourceMappingURL=handlers\.mjs\.map/);

    const { text, logs } = await jobThrough("dist/handlers.mjs", { name: "Ada" });
    expect(text).toBe("Hello, Ada!\n");
    // Both roles ran the compiled file, not handlers.ts through tsx.
    expect(logs.match(/"event":"handlers_compiled"/g), logs).toHaveLength(2);
    expect(logs).not.toMatch(/build_stale/);
  });

  it("bundles zod, and the built service loads no other copy: none from node_modules to describe the schema or refuse a payload", async () => {
    expect(await (await build()).exited).toBe(0);
    // One copy of zod's code in the file (each zod class is declared once, by name).
    const compiled = readFileSync(path.join(project, "dist", "handlers.mjs"), "utf8");
    expect(compiled.match(/\$constructor\("\$ZodString",/g)).toHaveLength(1);
    // zod's ~80 files map one line each, so Node's start-up reading of the map stays small.
    expect(readFileSync(path.join(project, "dist", "handlers.mjs.map")).length).toBeLessThan(60_000);
    // Every module Node loads from node_modules/zod, written down by a module hook in each process.
    write(
      "zod-loads/hooks.mjs",
      'import { appendFileSync } from "node:fs";\n' +
        "export async function load(url, context, next) {\n" +
        '  if (url.includes("/node_modules/zod/")) appendFileSync(process.env.ZOD_LOADS, url + "\\n");\n' +
        "  return next(url, context);\n}\n",
    );
    write(
      "zod-loads/register.mjs",
      'import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n',
    );
    const loads = path.join(project, "zod-loads", "loaded.txt");
    const env = userEnv({
      ...isolatedEnv(),
      HOST: "127.0.0.1",
      PRAISONAI_SVC_LOG_LEVEL: "info",
      NODE_OPTIONS: `--import=${pathToFileURL(path.join(project, "zod-loads", "register.mjs")).href}`,
      ZOD_LOADS: loads,
    });
    // The hook sees zod when something imports it from node_modules (so that its silence below means something).
    const control = await runToEnd(
      process.execPath,
      ["--input-type=module", "--eval", 'await import("zod");'],
      project,
      30_000,
      env,
    );
    expect(control.code, control.out).toBe(0);
    expect(readFileSync(loads, "utf8")).toMatch(/node_modules\/zod\/index\.js/);
    rmSync(loads);

    const api = runCli(["api", "dist/handlers.mjs", "--port", "0"], { bin, cwd: project, env });
    try {
      const [, url = ""] = await api.waitForOutput(
        /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*API listening/,
        60_000,
      );
      await waitForHealth(url, api);
      // The schema, described by the bundled zod (the template's `name: z.string().min(1).max(100)`).
      const doc = await (await fetch(`${url}/openapi.json`)).text();
      expect(doc, api.output()).toMatch(/"name":\{"type":"string","minLength":1,"maxLength":100\}/);
      const refused = await fetch(`${url}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "" }),
      });
      expect(refused.status).toBe(422);
      const problem = (await refused.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toEqual(["name"]);
    } finally {
      api.kill("SIGTERM");
      expect(await api.exited, api.output()).toBe(0);
    }
    expect(existsSync(loads) ? readFileSync(loads, "utf8") : "").toBe("");
    rmSync(path.join(project, "zod-loads"), { recursive: true });
  });

  it("keeps import.meta.url on each source file, and maps a stack trace to handlers.ts lines", async () => {
    write("assets/greeting.txt", "Welcome");
    write(
      "lib/greeting.ts",
      [
        'import { readFileSync } from "node:fs";',
        "// Read relative to this file, as it sits in lib/ (not dist/).",
        'export const greeting = (): string => readFileSync(new URL("../assets/greeting.txt", import.meta.url), "utf8");',
        "",
      ].join("\n"),
    );
    const lines = [
      'import { ServiceApp } from "praisonai-svc";',
      'import { greeting } from "./lib/greeting.ts";',
      "",
      'const app = new ServiceApp("Built Svc");',
      "",
      "app.job(async (payload: { name: string }) => {",
      '  const where = new Error("where").stack?.split("\\n")[1]?.trim() ?? "";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a line of the handlers file this test writes
      "  const text = `${greeting()}, ${payload.name}! ${where} ${import.meta.dirname}`;",
      '  return { data: text, contentType: "text/plain", filename: "hello.txt" };',
      "});",
      "",
      "export default app;",
      "",
    ];
    write("handlers.ts", lines.join("\n"));
    const built = await build();
    expect(await built.exited, built.output()).toBe(0);
    expect(built.output()).toMatch(/Compiled handlers\.ts and 1 project file\(s\) it imports/);

    const { text } = await jobThrough("dist/handlers.mjs", { name: "Ada" });
    const errorLine = lines.findIndex((l) => l.includes('new Error("where")')) + 1;
    expect(text).toMatch(new RegExp(`^Welcome, Ada! at .*handlers\\.ts:${errorLine}:\\d+\\)? ${project}$`));
  });

  it("runs the sources through tsx, with a warning, when they changed after the build", async () => {
    write(
      "handlers.ts",
      readFileSync(path.join(project, "handlers.ts"), "utf8").replace("greeting()}", '"Changed"}'),
    );
    const { text, logs } = await jobThrough("dist/handlers.mjs", { name: "Ada" });
    expect(text).toMatch(/^Changed, Ada!/);
    expect(logs).toMatch(/"event":"build_stale"[^\n]*handlers\.ts changed[^\n]*run `praisonai-svc build`/);
    expect(logs).not.toMatch(/handlers_compiled/);
  });

  it.each([
    ["a syntax error", "const x = ;\n", /Could not compile bad\.ts:\n {2}bad\.ts:1:11: Unexpected ";"/],
    [
      "a missing project file",
      'import { x } from "./missing.ts";\nconsole.log(x);\n',
      /bad\.ts:1:19: Could not resolve "\.\/missing\.ts"/,
    ],
    [
      "a package the production install lacks (a devDependency)",
      'import { x } from "azurite";\nconsole.log(x);\n',
      /bad\.ts:1:19: Cannot find package "azurite": install it with `npm install azurite` \(a package the handler imports belongs in "dependencies"/,
    ],
  ])("fails on %s with the file, line and what to do, and exit status 1", async (_what, source, message) => {
    write("bad.ts", source);
    const built = await build(["bad.ts"]);
    expect(await built.exited).toBe(1);
    expect(built.output()).toMatch(message);
    expect(built.output()).not.toMatch(/\n\s+at /); // one message, no stack trace
  });

  it("says a handlers.py has nothing to compile", async () => {
    write("py/handlers.py", "x = 1\n");
    const built = await build(["py/handlers.py"]);
    expect(await built.exited).toBe(1);
    expect(built.output()).toMatch(/is a Python service: there is nothing to compile/);
  });

  it("says what to do when PRAISONAI_SVC_HANDLERS names a file that is not there", async () => {
    const worker = runCli(["worker"], {
      bin,
      cwd: project,
      env: userEnv({ ...isolatedEnv(), PRAISONAI_SVC_HANDLERS: "dist/none.mjs" }),
    });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(
      /PRAISONAI_SVC_HANDLERS names .*dist\/none\.mjs, which does not exist: compile it with `praisonai-svc build`/,
    );
  });
});
