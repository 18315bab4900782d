// The placeholders guarding names that are easy to mistype for praisonai-svc (packages/): each packs to three
// files, installs with no dependencies and no scripts, and says which package to use when imported or run.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";
import { npmInstall, npmPack, type Packed, projectWith, runToEnd, tempDir } from "./support/npm.js";

/** npm's own rules for package names (the registry's similarity rule is not among them: docs/publishing.md). */
const validate = createRequire(import.meta.url)("validate-npm-package-name") as (name: string) => {
  validForNewPackages: boolean;
  errors?: string[];
  warnings?: string[];
};

const PACKAGES = path.join(ROOT, "packages");
/** The spec's list of defensive names (§4.3). */
const NAMES = ["praisonaisvc", "praisonai_svc", "praisonai-service", "praisonai-svcs"];

const packed = new Map<string, Packed>();
let project: string;

beforeAll(async () => {
  const dest = tempDir("typosquat");
  for (const name of NAMES) packed.set(name, await npmPack(path.join(PACKAGES, name), dest));
  project = projectWith("typosquat-use", {
    "package.json": JSON.stringify({ name: "typo-victim", private: true, type: "module" }),
  });
  const install = await npmInstall(
    project,
    [...packed.values()].map((p) => p.file),
  );
  expect(install.code, install.out).toBe(0);
}, 180_000);

describe("defensive packages", () => {
  it("exist for exactly the spec's look-alike names, each sharing one index.js", () => {
    expect(readdirSync(PACKAGES).sort()).toEqual([...NAMES].sort());
    const sources = NAMES.map((n) => readFileSync(path.join(PACKAGES, n, "index.js"), "utf8"));
    expect(new Set(sources).size).toBe(1);
  });

  it.each(NAMES)("%s is a valid name for a new npm package (validate-npm-package-name)", (name) => {
    expect(validate(name)).toEqual({ validForNewPackages: true, validForOldPackages: true });
  });

  it.each(NAMES)(
    "%s packs to package.json, README.md and index.js, with no dependencies or install scripts",
    (name) => {
      expect(packed.get(name)?.files.sort()).toEqual(["README.md", "index.js", "package.json"]);
      const manifest = JSON.parse(
        readFileSync(path.join(project, "node_modules", name, "package.json"), "utf8"),
      );
      expect(manifest.name).toBe(name);
      for (const field of ["dependencies", "optionalDependencies", "peerDependencies", "scripts"]) {
        expect(manifest[field], field).toBeUndefined();
      }
      expect(manifest.description).toMatch(/Install praisonai-svc instead/);
      const readme = readFileSync(path.join(project, "node_modules", name, "README.md"), "utf8");
      expect(readme).toContain("npm install praisonai-svc");
    },
  );

  it.each(NAMES)("importing %s fails with an error that names praisonai-svc", async (name) => {
    for (const code of [
      `await import(${JSON.stringify(name)})`,
      `createRequire(import.meta.url)(${JSON.stringify(name)})`,
    ]) {
      const script = `import { createRequire } from "node:module"; ${code};`;
      const run = await runToEnd(process.execPath, ["--input-type=module", "-e", script], project, 30_000);
      expect(run.code, run.out).toBe(1);
      expect(run.out).toContain(`"${name}" is not praisonai-svc`);
      expect(run.out).toContain(`npm uninstall ${name} && npm install praisonai-svc`);
    }
  });

  it.each(NAMES)(
    "running %s prints which package to use, without a stack trace, and exits 1",
    async (name) => {
      const run = await runToEnd(path.join(project, "node_modules", ".bin", name), [], project, 30_000);
      expect(run.code).toBe(1);
      expect(run.out.trim()).toBe(
        `"${name}" is not praisonai-svc: it is a placeholder that guards a look-alike name. ` +
          `Use praisonai-svc instead: npm uninstall ${name} && npm install praisonai-svc ` +
          "(https://www.npmjs.com/package/praisonai-svc).",
      );
    },
  );
});
