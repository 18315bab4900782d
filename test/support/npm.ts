// npm as a user runs it, for the tests of the packed package: a clean environment, the local cache first,
// a time limit, and temporary projects removed after the file.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const dirs: string[] = [];
// A project's node_modules is ~350 packages: on a loaded machine removing it can take a minute.
afterAll(() => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))), 300_000);

/** A temporary folder named after the stream that made it, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `praisonai-release-${prefix}-`));
  dirs.push(dir);
  return dir;
}

/** A temporary folder holding these files (paths relative to it). */
export function projectWith(prefix: string, files: Record<string, string>): string {
  const dir = tempDir(prefix);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/**
 * The environment a user's shell would give a command: without the npm_* variables that `npm test` exports
 * (they would leak into the project's npm), and without this machine's service settings.
 */
export function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^npm_/i.test(k) && !k.startsWith("PRAISONAI_SVC_") && !k.startsWith("AZURE_"))
      env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs a command to completion within a time limit (then SIGKILL); resolves with its exit code and output. */
export function runToEnd(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  env: Record<string, string> = userEnv(),
): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env });
    let out = "";
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, stdout });
    });
  });
}

/** `npm install` as fast as the cache allows: no audit, no funding notice, cached metadata first. */
export function npmInstall(cwd: string, specs: string[] = [], timeoutMs = 240_000) {
  return runToEnd(
    "npm",
    ["install", ...specs, "--prefer-offline", "--no-audit", "--no-fund"],
    cwd,
    timeoutMs,
  );
}

export interface Packed {
  /** Absolute path of the tarball. */
  file: string;
  /** Paths inside the package, e.g. "dist/index.js". */
  files: string[];
  size: number;
  unpackedSize: number;
}

/** `npm pack` of `dir` (this checkout by default) into `dest`, as published: without lifecycle scripts. */
export async function npmPack(dir: string, dest: string): Promise<Packed> {
  const { code, out, stdout } = await runToEnd(
    "npm",
    ["pack", dir, "--pack-destination", dest, "--ignore-scripts", "--json"],
    dest,
    120_000,
  );
  if (code !== 0) throw new Error(`npm pack ${dir} failed:\n${out}`);
  const [info] = JSON.parse(stdout) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  if (!info) throw new Error(`npm pack ${dir} reported nothing:\n${out}`);
  return {
    file: path.join(dest, info.filename),
    files: info.files.map((f) => f.path),
    size: info.size,
    unpackedSize: info.unpackedSize,
  };
}
