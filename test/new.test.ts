// `praisonai-svc new service`: the files it writes, what it depends on (a vendored tarball unless this copy
// came from the registry), and the printed next steps run exactly as printed in a temporary folder.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../src/config/settings.js";
import { freePort } from "../src/local/azurite.js";
import { createServiceProject } from "../src/scaffold/generate.js";
import { packageOrigin } from "../src/scaffold/origin.js";
import { FAKE_AZ_DIR, isMutating } from "./fixtures/az/fake-az.js";
import { ROOT, runCli, waitForHealth, waitForJob } from "./support/cli.js";
import { runToEnd, tempDir, userEnv } from "./support/npm.js";

const own = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const TARBALL = `vendor/praisonai-svc-${own.version}.tgz`;
const read = (dir: string, file: string) => readFileSync(path.join(dir, file), "utf8");

/** A project as a registry install of praisonai-svc writes it (no tarball to pack). */
function registryProject(name: string, pkg?: string): string {
  return createServiceProject({ name, pkg, cwd: tempDir("new"), origin: { from: "registry" } }).dir;
}

describe("new service", () => {
  it("writes a project: ESM package.json, handlers.ts, .env.example, Dockerfile, README and a test", () => {
    const dir = registryProject("ppt-maker");
    for (const file of [
      "handlers.ts",
      "package.json",
      ".env.example",
      "Dockerfile",
      ".dockerignore",
      "README.md",
      "test/handlers.test.ts",
    ]) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const pkg = JSON.parse(read(dir, "package.json"));
    expect(pkg).toMatchObject({ name: "ppt-maker", version: "0.1.0", type: "module" });
    expect(pkg.dependencies).toEqual({ "praisonai-svc": `^${own.version}`, zod: own.dependencies.zod });
    expect(pkg.devDependencies.azurite).toBe(own.devDependencies.azurite);
    expect(existsSync(path.join(dir, "vendor"))).toBe(false);
    expect(read(dir, "handlers.ts")).toMatch(/import \{ ServiceApp \} from "praisonai-svc";/);
    expect(read(dir, "README.md")).toMatch(/npx praisonai-svc run[\s\S]*npm test[\s\S]*deploy azure/);
    expect(read(dir, "README.md")).not.toContain("vendor/");
  });

  it("documents every setting in .env.example, with its default", () => {
    const env = read(registryProject("svc-env"), ".env.example");
    for (const s of Object.values(SETTINGS)) expect(env).toContain(`# ${s.env}=${s.default}\n`);
    expect(env).toContain("# AZURE_STORAGE_CONNECTION_STRING=");
  });

  it("writes a multi-stage production Dockerfile: npm ci --omit=dev, non-root, port 8080, a health check", () => {
    const dir = registryProject("svc-image");
    const dockerfile = read(dir, "Dockerfile");
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(dockerfile).not.toMatch(/vendor/);
    expect(dockerfile).toMatch(/COPY --from=deps/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "-e", ".*\/health/m);
    expect(dockerfile).toMatch(/^CMD \["praisonai-svc", "api"\]$/m);
    expect(read(dir, ".dockerignore")).toMatch(/^node_modules$[\s\S]*^\.env$/m);
  });

  it("compiles handlers.ts in the image, after the sources are copied, and points every role at the compiled file", () => {
    const dir = registryProject("svc-compiled");
    const dockerfile = read(dir, "Dockerfile");
    // Built as root after `COPY . .`; every command (api, worker, drain) then runs what PRAISONAI_SVC_HANDLERS names.
    expect(dockerfile).toMatch(
      /^COPY --chown=node:node \. \.\n(#.*\n)*RUN praisonai-svc build\nENV PRAISONAI_SVC_HANDLERS=dist\/handlers\.mjs\nUSER node$/m,
    );
    // A build made on the developer's machine never reaches the image or changes its tag.
    expect(read(dir, ".dockerignore")).toMatch(/^dist$/m);
    expect(read(dir, ".gitignore")).toMatch(/^dist$/m);
    expect(read(dir, "README.md")).toMatch(
      /npx praisonai-svc build[\s\S]*npx praisonai-svc run dist\/handlers\.mjs/,
    );
  });

  it("imports the package given with --package and adds it to the dependencies", () => {
    const dir = registryProject("deck-svc", "@acme/deck-builder");
    expect(read(dir, "handlers.ts")).toContain('import * as generator from "@acme/deck-builder";');
    expect(JSON.parse(read(dir, "package.json")).dependencies["@acme/deck-builder"]).toBeDefined();
  });

  it.each([
    [["Bad_Name"], /not a valid service name: use 2-32 lowercase/],
    [["ok-name", "--package", "not a package"], /is not an npm package name/],
    [["thing"], /Unknown kind "widget"/, "widget"],
  ])("refuses %j with a message saying what to do", async (args, message, kind = "service") => {
    const proc = runCli(["new", kind, ...args], { cwd: tempDir("new") });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(message);
  });

  it("refuses to write into a folder that is not empty", async () => {
    const cwd = tempDir("new");
    writeFileSync(path.join(cwd, "keep.txt"), "mine");
    const proc = runCli(["new", "service", "here-svc", "--dir", "."], { cwd });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/already exists and is not empty/);
    expect(read(cwd, "keep.txt")).toBe("mine");
  });
});

describe("where praisonai-svc came from", () => {
  /** A project folder holding `node_modules/praisonai-svc` and, optionally, npm's hidden lockfile. */
  function installed(entry?: Record<string, unknown>): string {
    const project = tempDir("origin");
    const root = path.join(project, "node_modules", "praisonai-svc");
    mkdirSync(root, { recursive: true });
    if (entry) {
      const lock = { lockfileVersion: 3, packages: { "node_modules/praisonai-svc": entry } };
      writeFileSync(path.join(project, "node_modules", ".package-lock.json"), JSON.stringify(lock));
    }
    return root;
  }

  it.each([
    [
      "a registry tarball URL",
      { version: "1.0.0", resolved: "https://registry.npmjs.org/praisonai-svc/-/praisonai-svc-1.0.0.tgz" },
      "registry",
    ],
    ["no resolved field (omit-lockfile-registry-resolved)", { version: "1.0.0" }, "registry"],
    ["a file: tarball", { version: "1.0.0", resolved: "file:vendor/praisonai-svc-1.0.0.tgz" }, "tarball"],
    [
      "a git URL",
      { version: "1.0.0", resolved: "git+ssh://git@github.com/x/praisonai-svc.git#abc" },
      "tarball",
    ],
    ["a link to a folder", { resolved: "../praisonai-svc", link: true }, "checkout"],
  ])("reads %s in npm's lockfile", (_what, entry, from) => {
    expect(packageOrigin(installed(entry), "praisonai-svc").from).toBe(from);
  });

  it("takes a copy outside node_modules for a checkout, and one inside without an npm lockfile for the registry's", () => {
    expect(packageOrigin(ROOT, "praisonai-svc")).toEqual({ from: "checkout", root: ROOT });
    expect(packageOrigin(installed(), "praisonai-svc").from).toBe("registry");
  });
});

/** Whether any process of the group still runs. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs a printed long-running command in its own process group (as a terminal would), stopped with Ctrl-C. */
function startPrinted(command: string, cwd: string, env: Record<string, string>) {
  const [cmd = "", ...args] = command.split(" ");
  const child: ChildProcess = spawn(cmd, args, {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pgid = child.pid as number;
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  return {
    log: () => log,
    /** Ctrl-C; resolves once every process of the group (npx, run, its worker, Azurite) has exited. */
    async stop(): Promise<{ left: boolean }> {
      if (groupAlive(pgid)) process.kill(-pgid, "SIGINT");
      const deadline = Date.now() + 20_000;
      while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const left = groupAlive(pgid);
      if (left) process.kill(-pgid, "SIGKILL");
      return { left };
    },
  };
}

describe("new service, then the next steps exactly as printed", () => {
  it("from this checkout: vendors a tarball, installs, tests, runs a job over HTTP and dry-runs a deploy", {
    timeout: 420_000,
  }, async () => {
    const cwd = tempDir("steps");
    const created = runCli(["new", "service", "hello-svc"], { cwd, env: userEnv() });
    expect(await created.exited, created.output()).toBe(0);
    const output = created.output();
    expect(output).toContain(`depends on ${TARBALL}, packed from it`);
    const steps = (output.split("Next:\n")[1] ?? "")
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter(Boolean);
    expect(steps).toEqual([
      "cd hello-svc",
      "npm install",
      "npx praisonai-svc run",
      "npm test",
      "npx praisonai-svc deploy azure --dry-run",
    ]);

    const dir = path.join(cwd, "hello-svc");
    expect(JSON.parse(read(dir, "package.json")).dependencies["praisonai-svc"]).toBe(`file:${TARBALL}`);
    expect(existsSync(path.join(dir, TARBALL))).toBe(true);
    expect(read(dir, "Dockerfile")).toMatch(
      /^COPY package\.json package-lock\.json \.\/\nCOPY vendor \.\/vendor\nRUN npm ci/m,
    );
    expect(read(dir, "README.md")).toContain("## Where praisonai-svc comes from");

    // The commands as printed; npm's cache settings come from the environment, as a user's .npmrc would.
    const env = userEnv({
      npm_config_prefer_offline: "true",
      npm_config_audit: "false",
      npm_config_fund: "false",
    });
    const [, install, serve, test, deploy] = steps as [string, string, string, string, string];
    const installed = await runToEnd("sh", ["-c", install], dir, 300_000, env);
    expect(installed.code, installed.out).toBe(0);

    const port = await freePort();
    const server = startPrinted(serve, dir, { ...env, PORT: String(port) });
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url, undefined, 60_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${server.log().slice(-3000)}`);
      });
      const health = (await (await fetch(`${url}/health`)).json()) as Record<string, string>;
      expect(health).toMatchObject({ service: "Hello Svc", version: "0.1.0", praisonai_svc: own.version });
      const res = await fetch(`${url}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Ada" }),
      });
      expect(res.status, server.log().slice(-3000)).toBe(202);
      const { job_id } = (await res.json()) as { job_id: string };
      const job = await waitForJob(url, job_id, { timeoutMs: 30_000 });
      expect(job.status, server.log().slice(-3000)).toBe("done");
      expect(await (await fetch(`${url}/jobs/${job_id}/download`)).text()).toBe("Hello, Ada!\n");
    } finally {
      // Ctrl-C stops everything `run` started, within its grace period.
      expect(await server.stop(), server.log().slice(-3000)).toEqual({ left: false });
    }

    const tested = await runToEnd("sh", ["-c", test], dir, 120_000, env);
    expect(tested.code, tested.out).toBe(0);
    expect(tested.out).toMatch(/# pass 3/);

    const log = path.join(cwd, "az-calls.jsonl");
    const dry = await runToEnd("sh", ["-c", deploy], dir, 120_000, {
      ...env,
      PATH: `${FAKE_AZ_DIR}${path.delimiter}${env.PATH ?? ""}`,
      FAKE_AZ_STATE: path.join(cwd, "az-state.json"),
      FAKE_AZ_LOG: log,
    });
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toMatch(/Dry run: the template is in azure\/main\.json/);
    const calls = read(cwd, "az-calls.jsonl")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { argv: string[] }).argv.join(" "));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter(isMutating)).toEqual([]);

    // The installed copy came from a tarball: a project it creates vendors it again, packed from node_modules.
    const again = runCli(["new", "service", "second-svc"], {
      cwd,
      env: userEnv(),
      bin: path.join(dir, "node_modules", "praisonai-svc", "bin", "praisonai-svc.js"),
    });
    expect(await again.exited, again.output()).toBe(0);
    expect(again.output()).toMatch(/is a tarball install \(.*hello-svc\/node_modules\/praisonai-svc\)/);
    expect(existsSync(path.join(cwd, "second-svc", TARBALL))).toBe(true);

    // What npm records for a registry install (no `resolved` under omit-lockfile-registry-resolved):
    // the same installed copy then gives new projects the version range.
    const hidden = path.join(dir, "node_modules", ".package-lock.json");
    const lock = JSON.parse(readFileSync(hidden, "utf8"));
    delete lock.packages["node_modules/praisonai-svc"].resolved;
    writeFileSync(hidden, JSON.stringify(lock));
    const fromRegistry = runCli(["new", "service", "third-svc"], {
      cwd,
      env: userEnv(),
      bin: path.join(dir, "node_modules", "praisonai-svc", "bin", "praisonai-svc.js"),
    });
    expect(await fromRegistry.exited, fromRegistry.output()).toBe(0);
    expect(fromRegistry.output()).toContain(`depends on praisonai-svc ^${own.version} from the npm registry`);
    expect(JSON.parse(read(path.join(cwd, "third-svc"), "package.json")).dependencies["praisonai-svc"]).toBe(
      `^${own.version}`,
    );
    expect(existsSync(path.join(cwd, "third-svc", "vendor"))).toBe(false);
  });
});
