// Which Python runs handlers.py, and where the praisonai_svc module it imports lives.
import { existsSync } from "node:fs";
import path from "node:path";
import { CONNECTION_VARS } from "../../config/config.js";
import { PACKAGE_ROOT } from "../../own-package.js";

/** The folder holding the `praisonai_svc` module shipped in this npm package; put on PYTHONPATH. */
export const PYTHON_MODULE_DIR = path.join(PACKAGE_ROOT, "python");

/** PRAISONAI_SVC_PYTHON, else the project's .venv, else python3 on PATH. */
export function resolvePython(setting: string, projectDir: string): string {
  if (setting !== "") return setting;
  const venv = path.join(projectDir, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

/** The service's secrets: the handler has no use for them, so its process does not get them. */
const WITHHELD = new Set<string>([...CONNECTION_VARS, "PRAISONAI_SVC_API_KEYS", "PRAISONAI_SVC_JWT_SECRET"]);

/** The environment a Python worker gets: ours without the service's secrets, the module on its path, unbuffered output. */
export function pythonEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !WITHHELD.has(k)) out[k] = v;
  out.PYTHONPATH = [PYTHON_MODULE_DIR, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  out.PYTHONUNBUFFERED = "1";
  return out;
}
