// A handlers.py as a service: one Python process imports it and reports its name, schema and example;
// the worker keeps that process as the first of its pool, the API closes it.
import type { JobLogger } from "../../app/handler.js";
import { ServiceApp } from "../../app/service-app.js";
import type { ServiceConfig } from "../../config/config.js";
import type { HandlerRunner } from "../types.js";
import { PythonStartError } from "./errors.js";
import { pythonEnv, resolvePython } from "./interpreter.js";
import { pythonRunner } from "./pool.js";
import { PythonProcess, type PythonServiceInfo } from "./process.js";

export interface PythonServiceOptions {
  file: string;
  projectDir: string;
  config: ServiceConfig;
  env: Record<string, string | undefined>;
  log: JobLogger;
  /** Keep the process that imported the file for the worker's pool (the API only needs the description). */
  keep: boolean;
}

export interface PythonService {
  app: ServiceApp;
  info: PythonServiceInfo;
  createRunner(): HandlerRunner;
}

export async function loadPythonService(opts: PythonServiceOptions): Promise<PythonService> {
  const processOptions = {
    python: resolvePython(opts.config.python, opts.projectDir),
    file: opts.file,
    cwd: opts.projectDir,
    env: pythonEnv(opts.env),
    log: opts.log,
  };
  const first = new PythonProcess(processOptions);
  let info: PythonServiceInfo;
  try {
    info = await first.ready;
  } finally {
    if (!opts.keep) await first.close(opts.config.pythonKillGraceMs);
  }
  const app = new ServiceApp(info.name, {
    ...(info.version ? { version: info.version } : {}),
    ...(info.description ? { description: info.description } : {}),
    ...(info.example !== null && info.example !== undefined ? { example: info.example } : {}),
  });
  const handler = () => {
    throw new Error(`${opts.file} runs in Python: use createRunner()`);
  };
  try {
    if (info.schema) app.job({ jsonSchema: info.schema }, handler);
    else app.job(handler);
  } catch (error) {
    first.kill();
    throw new PythonStartError(`${opts.file}: ${(error as Error).message}`);
  }
  let adopted = false;
  return {
    app,
    info,
    createRunner() {
      const runner = pythonRunner({
        ...processOptions,
        size: opts.config.concurrency,
        maxJobs: opts.config.pythonMaxJobs,
        killGraceMs: opts.config.pythonKillGraceMs,
        ...(opts.keep && !adopted ? { first } : {}),
      });
      adopted = true;
      return runner;
    },
  };
}
