// What a scaffolded project depends on, read from this package's own package.json so versions never drift.
import { readFileSync } from "node:fs";

interface OwnPackage {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

let cached: OwnPackage | undefined;

/** This package's package.json (dist/scaffold/ and src/scaffold/ are both two levels below the root). */
export function ownPackage(): OwnPackage {
  cached ??= JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as OwnPackage;
  return cached;
}

/** The version range this package declares for one of its own dependencies. */
export function rangeOf(dependency: string): string {
  const pkg = ownPackage();
  const range = pkg.dependencies[dependency] ?? pkg.devDependencies[dependency];
  if (!range) throw new Error(`praisonai-svc's package.json does not list ${dependency}`);
  return range;
}
