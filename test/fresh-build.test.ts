// The stale-build guard of the global setup: process-level tests run dist/, so it must notice every way
// dist/ can fall behind src/.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { staleReason } from "./support/fresh-build.js";

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes `rel` under the temporary root with its modification time `secondsAgo` in the past. */
function file(rel: string, secondsAgo: number): string {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, "");
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(p, t, t);
  return p;
}

function project(): { src: string; dist: string } {
  root = mkdtempSync(path.join(tmpdir(), "praisonai-fresh-"));
  file("src/a.ts", 100);
  file("src/sub/b.ts", 100);
  file("src/types.d.ts", 100);
  file("dist/a.js", 50);
  file("dist/sub/b.js", 40);
  file("dist/sub/b.d.ts", 40);
  return { src: path.join(root, "src"), dist: path.join(root, "dist") };
}

describe("the stale-build guard", () => {
  it("accepts a build newer than every source", () => {
    const { src, dist } = project();
    expect(staleReason(src, dist)).toBeUndefined();
  });

  it("rebuilds when a source was edited after the oldest output was written", () => {
    const { src, dist } = project();
    file("src/sub/b.ts", 45); // newer than dist/a.js (50 s), older than dist/sub/b.js (40 s)
    expect(staleReason(src, dist)).toBe(`${path.join(src, "sub/b.ts")} changed after the last build`);
  });

  it("rebuilds when a build input outside src/ changed", () => {
    const { src, dist } = project();
    const tsconfig = file("tsconfig.json", 1);
    expect(staleReason(src, dist, [tsconfig])).toBe(`${tsconfig} changed after the last build`);
  });

  it("rebuilds when there is no build, a source has no output, or an output has no source", () => {
    const { src, dist } = project();
    expect(staleReason(src, path.join(root, "nowhere"))).toBe(`${path.join(root, "nowhere")} holds no build`);
    file("src/c.ts", 100);
    expect(staleReason(src, dist)).toBe(`${path.join(dist, "c.js")} is missing`);
    rmSync(path.join(src, "c.ts"));
    rmSync(path.join(src, "a.ts"));
    expect(staleReason(src, dist)).toBe(`${path.join(dist, "a.js")} has no source any more`);
  });
});
