// What a compiled handlers file was built from (each source file's SHA-256), so that a start can tell
// whether the build still matches the sources beside it.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Written next to the compiled file; paths are relative to its folder, with `/` separators. */
export interface BuildManifest {
  /** The handlers file the build started from (`../handlers.ts`). */
  entry: string;
  /** Every project file bundled into the output, by its SHA-256 (hex). */
  sources: Record<string, string>;
}

/** `dist/handlers.mjs` → `dist/handlers.build.json`. */
export function manifestPathOf(compiled: string): string {
  return `${compiled.replace(/\.[cm]?js$/, "")}.build.json`;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

const toPosix = (p: string) => p.split(path.sep).join("/");

export function writeManifest(compiled: string, entry: string, sources: string[]): void {
  const dir = path.dirname(compiled);
  const manifest: BuildManifest = {
    entry: toPosix(path.relative(dir, entry)),
    sources: Object.fromEntries(sources.map((s) => [toPosix(path.relative(dir, s)), sha256(s)])),
  };
  writeFileSync(manifestPathOf(compiled), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A compiled handlers file, checked against its sources. */
export interface CheckedBuild {
  /** The handlers file it was compiled from (absolute). */
  entry: string;
  /** Sources changed or deleted since the build (absolute); empty: the build is current. */
  changed: string[];
}

/**
 * Undefined for a file `praisonai-svc build` did not make (a hand-written handlers.js). Hashing rather
 * than comparing times: a checkout, `COPY` or `touch` changes times without changing code, and an edit
 * within the same second changes code without changing them.
 */
export function checkBuild(compiled: string): CheckedBuild | undefined {
  const file = manifestPathOf(compiled);
  if (file === compiled || !existsSync(file)) return undefined;
  const dir = path.dirname(compiled);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as BuildManifest;
  const changed = Object.entries(manifest.sources)
    .map(([rel, hash]) => [path.resolve(dir, rel), hash] as const)
    .filter(([source, hash]) => !existsSync(source) || sha256(source) !== hash)
    .map(([source]) => source);
  return { entry: path.resolve(dir, manifest.entry), changed };
}
