// The Python original (praisonai-svc 1.2.0 from PyPI, FastAPI + the Azure SDKs) as a peer on the same Azurite:
// installed into bench/.venv, started as its API (uvicorn) and worker processes, fed jobs in its own format.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Namespace, RawClients } from "./support/azure.js";
import { FIXTURES, type Proc, ROOT, startProcess } from "./support/procs.js";

const run = promisify(execFile);
export const PYTHON_PACKAGE = "praisonai-svc==1.2.0";
const VENV = path.join(ROOT, "bench", ".venv");
const PYTHON = path.join(VENV, "bin", "python");
const APP_DIR = path.join(FIXTURES, "python");

export type PythonPeer = { ok: true; python: string; version: string } | { ok: false; reason: string };

/** Finds (or, when allowed, installs) the Python original; says why not when it cannot be had. */
export async function pythonPeer(install: boolean, log: (msg: string) => void): Promise<PythonPeer> {
  if (!existsSync(PYTHON)) {
    if (!install)
      return {
        ok: false,
        reason: `bench/.venv is not installed (this mode does not install it; \`npm run bench\` does)`,
      };
    log(`installing the Python original (${PYTHON_PACKAGE}) into bench/.venv`);
    try {
      await run("python3", ["-m", "venv", VENV], { timeout: 120_000 });
      await run(path.join(VENV, "bin", "pip"), ["install", "-q", PYTHON_PACKAGE], { timeout: 600_000 });
    } catch (error) {
      return { ok: false, reason: `could not install ${PYTHON_PACKAGE} into bench/.venv: ${short(error)}` };
    }
  }
  try {
    const { stdout } = await run(
      PYTHON,
      ["-c", "import praisonai_svc, importlib.metadata as m; print(m.version('praisonai-svc'))"],
      { timeout: 60_000 },
    );
    return { ok: true, python: PYTHON, version: stdout.trim() };
  } catch (error) {
    return { ok: false, reason: `bench/.venv cannot import praisonai_svc: ${short(error)}` };
  }
}

function short(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  return (e.stderr?.trim().split("\n").slice(-3).join(" ") || e.message || String(error)).slice(0, 400);
}

/** Its settings are pydantic-settings fields under the PRAISONAI_ prefix (models/config.py). */
export function pythonEnv(conn: string, ns: Namespace): Record<string, string> {
  return {
    PRAISONAI_AZURE_STORAGE_CONNECTION_STRING: conn,
    PRAISONAI_TABLE_NAME: ns.table,
    PRAISONAI_QUEUE_NAME: ns.queue,
    PRAISONAI_POISON_QUEUE_NAME: ns.poison,
    PRAISONAI_BLOB_CONTAINER_NAME: ns.container,
    PYTHONUNBUFFERED: "1",
  };
}

/** The API as ServiceApp.run() serves it (uvicorn, one process, its default logging), without the worker thread. */
export function startPythonApi(
  peer: PythonPeer & { ok: true },
  env: Record<string, string>,
  port: number,
): Proc {
  return startProcess(
    "python original api",
    peer.python,
    ["-m", "uvicorn", "app:api", "--host", "127.0.0.1", "--port", String(port)],
    { cwd: APP_DIR, env, quiet: true },
  );
}

/** One worker process; `onDone` hears of each job it logs as completed. */
export function startPythonWorker(
  peer: PythonPeer & { ok: true },
  env: Record<string, string>,
  onDone: (jobId: string) => void,
): Proc {
  return startProcess("python original worker", peer.python, ["worker.py"], {
    cwd: APP_DIR,
    env,
    onLine(line) {
      const m = /Job (\S+) completed successfully/.exec(line);
      if (m?.[1]) onDone(m[1]);
    },
  });
}

/** What its POST /jobs writes (table.create_job, then queue.enqueue_job), written directly. */
export async function pythonSubmit(raw: RawClients, payload: Record<string, unknown>): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await raw.table.createEntity({
    partitionKey: "praison",
    rowKey: id,
    Status: "queued",
    CreatedUTC: now,
    UpdatedUTC: now,
    JobHash: id,
    RetryCount: 0,
  });
  await raw.queue.sendMessage(JSON.stringify({ job_id: id, payload }));
  return id;
}
