// Packs the running praisonai-svc into a new project (vendor/<name>-<version>.tgz), for copies the registry
// cannot serve: `npm install` then installs exactly this code, here and in the image (`npm ci`).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ScaffoldError } from "./generate.js";
import type { Origin } from "./origin.js";

export const VENDOR_DIR = "vendor";

/** What a new project depends on for praisonai-svc, and why. */
export interface Dependency {
  /** The package.json value: `^<version>`, or `file:vendor/praisonai-svc-<version>.tgz`. */
  spec: string;
  origin: Origin;
  /** The packed tarball, relative to the project, when the registry cannot serve this copy. */
  tarball?: string;
}

/** The registry's range for a copy from the registry; otherwise this copy, packed into the project. */
export function dependencyOn(origin: Origin, version: string, projectDir: string): Dependency {
  if (origin.from === "registry") return { spec: `^${version}`, origin };
  const tarball = packInto(origin.root, projectDir);
  return { spec: `file:${tarball}`, origin, tarball };
}

/** Runs `npm pack` on `root` into `<projectDir>/vendor/`; returns the tarball's path relative to the project. */
export function packInto(root: string, projectDir: string): string {
  const destination = path.join(projectDir, VENDOR_DIR);
  mkdirSync(destination, { recursive: true });
  // --ignore-scripts: a checkout's `prepare` would rebuild dist/ (and needs dev tools); what runs now is what ships.
  const result = spawnSync(
    "npm",
    ["pack", root, "--pack-destination", destination, "--ignore-scripts", "--json"],
    { encoding: "utf8", shell: process.platform === "win32", timeout: 120_000 },
  );
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split("\n").slice(-4).join("\n");
    throw new ScaffoldError(
      `Could not pack praisonai-svc from ${root} into ${destination} with \`npm pack\`: ${why}\n` +
        "npm must be on PATH (it comes with Node.js).",
    );
  }
  const [packed] = JSON.parse(result.stdout) as { filename: string }[];
  if (!packed) throw new ScaffoldError(`\`npm pack ${root}\` reported no tarball.`);
  return `${VENDOR_DIR}/${packed.filename}`;
}
