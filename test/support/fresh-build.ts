// The CLI (bin/praisonai-svc.js) and the fixtures load dist/, so a process-level test runs whatever was built
// last. The global setup calls `ensureFreshBuild` first: dist/ is rebuilt when any source is newer than it,
// or when it holds output of a source that no longer exists, so `npx vitest` after an edit tests the edit.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Files under `dir` (relative paths, `/`-separated), recursively; none when `dir` does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

/**
 * Why `outDir` does not reflect `srcDir` (and the build `inputs`, e.g. tsconfig.json), or undefined when it does.
 * A build writes every output anew, so the oldest output marks when the last build ran.
 */
export function staleReason(srcDir: string, outDir: string, inputs: string[] = []): string | undefined {
  const sources = filesUnder(srcDir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  const outputs = filesUnder(outDir).filter((f) => f.endsWith(".js"));
  if (outputs.length === 0) return `${outDir} holds no build`;
  const built = Math.min(...outputs.map((f) => statSync(path.join(outDir, f)).mtimeMs));
  const newer = [...sources.map((f) => path.join(srcDir, f)), ...inputs.filter((f) => existsSync(f))].find(
    (f) => statSync(f).mtimeMs > built,
  );
  if (newer) return `${newer} changed after the last build`;
  const expected = new Set(sources.map((f) => f.replace(/\.ts$/, ".js")));
  const missing = [...expected].find((f) => !outputs.includes(f));
  if (missing) return `${path.join(outDir, missing)} is missing`;
  const orphan = outputs.find((f) => !expected.has(f));
  if (orphan) return `${path.join(outDir, orphan)} has no source any more`;
  return undefined;
}

/** Runs `npm run build` in `root` when dist/ is stale; a failed build fails the test run with tsc's output. */
export function ensureFreshBuild(root: string): void {
  const reason = staleReason(path.join(root, "src"), path.join(root, "dist"), [
    path.join(root, "tsconfig.json"),
  ]);
  if (!reason) return;
  console.info(`[setup] building dist/: ${reason}`);
  try {
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed, so the tests would run old code:\n${e.stdout}${e.stderr}`);
  }
}
