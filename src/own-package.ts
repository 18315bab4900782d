// This package's own package.json: its version (`--version`, /health) and the ranges a new project depends on.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface OwnPackage {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** The package's root folder: src/*.ts and the bundled dist/*.js are both one level below it. */
export const PACKAGE_ROOT = path.dirname(fileURLToPath(new URL("../package.json", import.meta.url)));

let cached: OwnPackage | undefined;

export function ownPackage(): OwnPackage {
  cached ??= JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as OwnPackage;
  return cached;
}

/** The version this copy of praisonai-svc was released as. */
export function ownVersion(): string {
  return ownPackage().version;
}

/** The version range this package declares for one of its own dependencies. */
export function rangeOf(dependency: string): string {
  const pkg = ownPackage();
  const range = pkg.dependencies[dependency] ?? pkg.devDependencies[dependency];
  if (!range) throw new Error(`praisonai-svc's package.json does not list ${dependency}`);
  return range;
}
