// Which Python the tests use for handlers that need Pydantic: the PPT example's venv (.ci/run creates it from
// examples/ppt-python/requirements.txt), else python3 on PATH.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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
