// `deploy azure` of a Python service (`new service <name> --python`) against the fake Azure CLI: the image
// it builds, the commands its containers run, and a build context that holds requirements.txt but no .venv.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveHandlerFile } from "../src/cli/load-app.js";
import { cli, isMutating, sandbox } from "./fixtures/az/fake-az.js";

const KEY = "test-key-0123456789abcdef";
const DRY_RUN = ["deploy", "azure", "--dry-run", "--api-keys", KEY];

interface Container {
  name: string;
  command?: string[];
  image: string;
  env: { name: string; value?: string; secretRef?: string }[];
}

function containers(project: string): Container[] {
  const template = JSON.parse(readFileSync(path.join(project, "azure", "main.json"), "utf8")) as {
    resources: { type: string; properties?: { template?: { containers?: Container[] } } }[];
  };
  return template.resources.flatMap((r) => r.properties?.template?.containers ?? []);
}

/** The image tag a dry run would build: it changes exactly when a file that goes into the image does. */
const plannedTag = (output: string): string | undefined =>
  /--image demo-py:(src-[0-9a-f]{12})/.exec(output)?.[1];

describe("deploy azure of a Python service", () => {
  it("plans the image build and both containers running the CLI that serves handlers.py, with no tsx", async () => {
    const box = sandbox({}, "demo-py", { python: true });
    const { code, output } = await cli(box, DRY_RUN);
    expect(code, output).toBe(0);
    expect(box.calls().filter(isMutating)).toEqual([]);
    expect(output).toMatch(
      new RegExp(`would run: az acr build .*--file ${box.project}/Dockerfile .*${box.project}\\n`),
    );
    expect(output).toMatch(/would run: az deployment group create /);
    // The containers name no file, and a Python image sets no PRAISONAI_SVC_HANDLERS: the default finds handlers.py.
    expect(resolveHandlerFile(undefined, { cwd: box.project })).toBe(path.join(box.project, "handlers.py"));
    const [api, worker] = containers(box.project);
    expect(api?.command).toEqual(["praisonai-svc", "api"]);
    expect(worker?.command).toEqual(["praisonai-svc", "worker"]);
    // The interpreter is the image's (ENV in the Dockerfile): the template does not override it.
    for (const c of [api, worker]) expect(c?.env.map((e) => e.name)).not.toContain("PRAISONAI_SVC_PYTHON");
    expect(readFileSync(path.join(box.project, "azure", "main.json"), "utf8")).not.toMatch(
      /tsx|handlers\.ts/,
    );
  });

  it("passes --env PRAISONAI_SVC_PYTHON to both containers when the image's interpreter is to be overridden", async () => {
    const box = sandbox({}, "demo-py", { python: true });
    const { code, output } = await cli(box, [...DRY_RUN, "--env", "PRAISONAI_SVC_PYTHON=/usr/bin/python3"]);
    expect(code, output).toBe(0);
    for (const c of containers(box.project)) {
      expect(c.env).toContainEqual({ name: "PRAISONAI_SVC_PYTHON", value: "/usr/bin/python3" });
    }
  });

  it("builds an image with Debian's Python, the requirements in /opt/venv before the source, run as node", () => {
    const box = sandbox({}, "demo-py", { python: true });
    const dockerfile = readFileSync(path.join(box.project, "Dockerfile"), "utf8");
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    const at = (pattern: RegExp): number => {
      const match = pattern.exec(runtime);
      expect(match, String(pattern)).not.toBeNull();
      return match?.index ?? -1;
    };
    const env = at(/PRAISONAI_SVC_PYTHON=\/opt\/venv\/bin\/python/);
    const apt = at(/apt-get install -y --no-install-recommends python3 python3-venv/);
    const requirements = at(/^COPY requirements\.txt \.\/$/m);
    const venv = at(
      /^RUN python3 -m venv \/opt\/venv && \/opt\/venv\/bin\/pip install --no-cache-dir -r requirements\.txt$/m,
    );
    const source = at(/^COPY --chown=node:node \. \.$/m);
    const user = at(/^USER node$/m);
    // The requirements layer is cached across code changes: it comes before the source is copied.
    expect(env).toBeLessThan(apt);
    expect(apt).toBeLessThan(requirements);
    expect(requirements).toBeLessThan(venv);
    expect(venv).toBeLessThan(source);
    expect(source).toBeLessThan(user);
    expect(runtime).toMatch(/^CMD \["praisonai-svc", "api"\]$/m);
    expect(dockerfile).not.toMatch(/tsx/);
    // The build stage that runs `npm ci` has no Python: only the runtime installs it.
    expect(dockerfile.slice(0, dockerfile.lastIndexOf("\nFROM "))).not.toMatch(/python/i);
  });

  it("tags the image by handlers.py and requirements.txt, never by .venv or __pycache__", async () => {
    const box = sandbox({}, "demo-py", { python: true });
    const first = plannedTag((await cli(box, DRY_RUN)).output);
    expect(first).toBeDefined();
    mkdirSync(path.join(box.project, ".venv", "bin"), { recursive: true });
    writeFileSync(path.join(box.project, ".venv", "bin", "python"), "#!/bin/sh\n");
    mkdirSync(path.join(box.project, "__pycache__"));
    writeFileSync(path.join(box.project, "__pycache__", "handlers.cpython-311.pyc"), "compiled");
    expect(plannedTag((await cli(box, DRY_RUN)).output)).toBe(first);
    const requirements = path.join(box.project, "requirements.txt");
    writeFileSync(requirements, `${readFileSync(requirements, "utf8")}praisonaippt==1.0.0\n`);
    const second = plannedTag((await cli(box, DRY_RUN)).output);
    expect(second).not.toBe(first);
    const handlers = path.join(box.project, "handlers.py");
    writeFileSync(handlers, readFileSync(handlers, "utf8").replace("Hello,", "Hi,"));
    expect(plannedTag((await cli(box, DRY_RUN)).output)).not.toBe(second);
  });

  it("refuses, before any Azure call, a project without the requirements.txt its Dockerfile copies", async () => {
    const box = sandbox({}, "demo-py", { python: true });
    rmSync(path.join(box.project, "requirements.txt"));
    const { code, output } = await cli(box, DRY_RUN);
    expect(code).not.toBe(0);
    expect(output).toMatch(/The Dockerfile copies requirements\.txt, which is not in .*: create it/);
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(box.calls()).toEqual([]);
  });

  it("refuses a .dockerignore that keeps requirements.txt out, or lets .venv in", async () => {
    const box = sandbox({}, "demo-py", { python: true });
    const ignore = path.join(box.project, ".dockerignore");
    const original = readFileSync(ignore, "utf8");
    writeFileSync(ignore, `${original}*.txt\n`);
    let run = await cli(box, DRY_RUN);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/copies requirements\.txt, but \.dockerignore keeps it out/);

    writeFileSync(ignore, original.replace(/^\.venv\n/m, ""));
    mkdirSync(path.join(box.project, ".venv"));
    run = await cli(box, DRY_RUN);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/\.venv would be uploaded .*: add a line `\.venv` to \.dockerignore/);
    expect(box.calls()).toEqual([]);
  });
});
