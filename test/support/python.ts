// Which Python the tests use for handlers that need Pydantic: the PPT example's venv (.ci/run creates it from
// examples/ppt-python/requirements.txt), else python3 on PATH.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { JobLogger } from "../../src/app/handler.js";
import { ROOT } from "./cli.js";

export const EXAMPLE_VENV_PYTHON = path.join(ROOT, "examples/ppt-python/.venv/bin/python");

export const PYDANTIC_PYTHON = existsSync(EXAMPLE_VENV_PYTHON) ? EXAMPLE_VENV_PYTHON : "python3";

/**
 * An executable that is the real python3 except that it reports itself as `version` (sys.version_info and
 * sys.version, set by a sitecustomize.py on its PYTHONPATH before any other module runs): what the runner's
 * own check in python/praisonai_svc/_worker.py sees on an old interpreter. Python 3.9+ is all this
 * machine has, and the praisonai_svc module itself parses on 3.6, so on a real 3.8 the same check runs.
 */
export function pythonReporting(version: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `python-${version}-`));
  const [major, minor, micro] = version.split(".").map(Number);
  writeFileSync(
    path.join(dir, "sitecustomize.py"),
    `import sys\nsys.version_info = (${major}, ${minor}, ${micro}, "final", 0)\nsys.version = "${version} (shim)"\n`,
  );
  const shim = path.join(dir, "python");
  writeFileSync(shim, `#!/bin/sh\nPYTHONPATH="${dir}\${PYTHONPATH:+:$PYTHONPATH}" exec python3 "$@"\n`, {
    mode: 0o755,
  });
  return shim;
}

export type LogEntry = { level: string; obj: object; msg: string | undefined };

/** A JobLogger that keeps what it was given, to look at the job's (or the pool's) log lines. */
export function memoryLog(): JobLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: string) => (obj: object | string, msg?: string) =>
    entries.push(typeof obj === "string" ? { level, obj: {}, msg: obj } : { level, obj, msg });
  return { entries, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

/** A handlers.py with this source, alone in a new temporary folder. */
export function tempHandlers(source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "py-handlers-"));
  const file = path.join(dir, "handlers.py");
  writeFileSync(file, source);
  return file;
}

/**
 * Whether the process runs: false once it is gone or a zombie (a killed orphan waits for a reaper, which
 * a container's PID 1 may never be, and `kill -0` still reaches a zombie).
 */
export function processRuns(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
