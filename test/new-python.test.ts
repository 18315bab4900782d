// `praisonai-svc new service <name> --python`: the files it writes, and the project running as written.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { freePort } from "../src/local/azurite.js";
import { createServiceProject } from "../src/scaffold/generate.js";
import { ROOT, runCli, waitForJob } from "./support/cli.js";
import { tempDir, userEnv } from "./support/npm.js";
import { PYDANTIC_PYTHON } from "./support/python.js";

const run = promisify(execFile);
const own = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
const read = (dir: string, file: string) => readFileSync(path.join(dir, file), "utf8");

function pythonProject(name: string, pkg?: string): string {
  return createServiceProject({
    name,
    pkg,
    python: true,
    cwd: tempDir("new-py"),
    origin: { from: "registry" },
  }).dir;
}

describe("new service --python", () => {
  it("writes handlers.py, requirements.txt, a unittest, package.json, .env.example, README and a Dockerfile with Python", async () => {
    const cwd = tempDir("new-py-cli");
    const cli = runCli(["new", "service", "deck-maker", "--python"], { cwd, env: userEnv() });
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain("npm run setup");
    const dir = path.join(cwd, "deck-maker");
    for (const file of [
      "handlers.py",
      "requirements.txt",
      "test/test_handlers.py",
      "package.json",
      ".env.example",
      "README.md",
      "Dockerfile",
      ".dockerignore",
      ".gitignore",
    ]) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(existsSync(path.join(dir, "handlers.ts"))).toBe(false);
    expect(read(dir, "handlers.py")).toMatch(
      /from praisonai_svc import ServiceApp[\s\S]*app = ServiceApp\("Deck Maker"\)[\s\S]*@app\.job\ndef generate\(payload: Job, ctx\)/,
    );
    expect(read(dir, "requirements.txt")).toMatch(/^pydantic>=2,<3$/m);
    const dockerfile = read(dir, "Dockerfile");
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends python3 python3-venv/);
    expect(dockerfile).toMatch(/\/opt\/venv\/bin\/pip install --no-cache-dir -r requirements\.txt/);
    expect(dockerfile).toMatch(/PRAISONAI_SVC_PYTHON=\/opt\/venv\/bin\/python/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/CMD \["praisonai-svc", "api"\]/);
    // Nothing to compile: the handlers.py runs as it is.
    expect(dockerfile).not.toMatch(/praisonai-svc build|PRAISONAI_SVC_HANDLERS/);
    expect(read(dir, ".dockerignore")).toMatch(/^\.venv$/m);
    expect(read(dir, "README.md")).toContain("handlers.py");
    const pkg = JSON.parse(read(dir, "package.json")) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.dependencies).toEqual({ "praisonai-svc": expect.stringContaining(own.version) });
    expect(pkg.scripts.test).toBe(".venv/bin/python -m unittest discover -s test -v");
  }, 60_000);

  it("imports and requires the PyPI package given with --package, and refuses a name PyPI would not take", () => {
    const dir = pythonProject("slides", "praisonaippt");
    expect(read(dir, "handlers.py")).toMatch(/^import praisonaippt {2}# from requirements\.txt/m);
    expect(read(dir, "requirements.txt")).toMatch(/^praisonaippt$/m);
    expect(() => pythonProject("bad", "not a package")).toThrow(/is not a PyPI package name/);
  });

  it("passes its own test and serves a job through `praisonai-svc run`, with 422 for a bad payload", async () => {
    const dir = pythonProject("greeter");
    // As after `npm install` and `npm run setup`: this checkout as the package, a .venv with pydantic.
    mkdirSync(path.join(dir, "node_modules"));
    symlinkSync(ROOT, path.join(dir, "node_modules", "praisonai-svc"));
    mkdirSync(path.join(dir, ".venv", "bin"), { recursive: true });
    symlinkSync(
      PYDANTIC_PYTHON === "python3" ? (await run("which", ["python3"])).stdout.trim() : PYDANTIC_PYTHON,
      path.join(dir, ".venv", "bin", "python"),
    );

    const test = await run(
      path.join(dir, ".venv/bin/python"),
      ["-m", "unittest", "discover", "-s", "test", "-v"],
      { cwd: dir },
    );
    expect(test.stderr).toMatch(/Ran 2 tests[\s\S]*\nOK\n?$/);

    const port = await freePort();
    const proc = runCli(["run", "--port", String(port)], { cwd: dir, env: userEnv() });
    await proc.waitForOutput(/Stop with Ctrl-C/, 90_000);
    expect(proc.output()).toContain(`'{"name":"Ada"}'`);
    const url = `http://127.0.0.1:${port}`;
    const post = (body: unknown) =>
      fetch(`${url}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const bad = await post({ name: "" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([
      { path: "name", message: "must NOT have fewer than 1 characters" },
    ]);
    const res = await post({ name: "Ada" });
    expect(res.status).toBe(202);
    const job = await waitForJob(url, ((await res.json()) as { job_id: string }).job_id, {
      timeoutMs: 90_000,
    });
    expect(await (await fetch(String(job.download_url))).text()).toBe("Hello, Ada!\n");
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
  }, 180_000);
});
