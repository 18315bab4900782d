// Finds and imports the service's handlers file (TypeScript through tsx, JavaScript natively) and checks what it exports.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { JobLogger } from "../app/handler.js";
import { ServiceApp } from "../app/service-app.js";
import { type CheckedBuild, checkBuild } from "../build/manifest.js";
import type { ServiceConfig } from "../config/config.js";
import { inProcessRunner } from "../runner/in-process.js";
import type { HandlerRunner } from "../runner/types.js";
import { CliError } from "./errors.js";

export const DEFAULT_HANDLER_FILES = ["handlers.ts", "handlers.js", "handlers.mjs", "handlers.py"];

/** The `[file]` argument of every command that serves a handlers file, as its help shows it. */
export const HANDLER_FILE_HELP = `handlers file (default: $PRAISONAI_SVC_HANDLERS, else ${DEFAULT_HANDLER_FILES.slice(0, -1).join(", ")}, then ${DEFAULT_HANDLER_FILES.at(-1)})`;

/** The file named on the command line, else the one PRAISONAI_SVC_HANDLERS names, else the first default present. */
export function resolveHandlerFile(
  file: string | undefined,
  { cwd = process.cwd(), configured = "" }: { cwd?: string; configured?: string } = {},
): string {
  if (!file && configured) {
    const full = path.resolve(cwd, configured);
    if (!existsSync(full)) {
      throw new CliError(
        `PRAISONAI_SVC_HANDLERS names ${full}, which does not exist: compile it with \`praisonai-svc build\`, or unset PRAISONAI_SVC_HANDLERS.`,
      );
    }
    return full;
  }
  if (file) {
    const full = path.resolve(cwd, file);
    if (!existsSync(full)) throw new CliError(`No handlers file at ${full}.`);
    return full;
  }
  for (const name of DEFAULT_HANDLER_FILES) {
    const full = path.join(cwd, name);
    if (existsSync(full)) return full;
  }
  throw new CliError(
    `No ${DEFAULT_HANDLER_FILES.join(" or ")} in ${cwd}. Pass the file (praisonai-svc run path/to/handlers.ts) ` +
      "or create a project with `praisonai-svc new service <name>`.",
  );
}

/** Handler files that need tsx; anything else is imported natively, sparing tsx's hooks thread (~0.15 s). */
const TYPESCRIPT = /\.[cm]?tsx?$/;

let tsxRegistered = false;

/** Lets the handlers file (and whatever it imports) be TypeScript, with no build step. */
async function registerTsx(): Promise<void> {
  if (tsxRegistered) return;
  const { register } = await import("tsx/esm/api");
  register();
  tsxRegistered = true;
}

export async function loadApp(file: string): Promise<ServiceApp> {
  let mod: Record<string, unknown>;
  try {
    if (TYPESCRIPT.test(file)) await registerTsx();
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const e = error as Error & { code?: string };
    // Without "type": "module", tsx compiles a .ts file to CommonJS, which cannot load this ESM package.
    const hint = /require\(\) ES Module|ERR_REQUIRE/.test(`${e.code} ${e.message}`)
      ? ` Add "type": "module" to the package.json beside it (the handlers file is an ES module).`
      : "";
    throw new CliError(`Could not load ${file}: ${e.message}${hint}`);
  }
  const app = [mod.default, mod.app].find((v) => ServiceApp.is(v));
  if (!app) {
    throw new CliError(
      `${file} must export its ServiceApp: add \`export default app;\` (where app = new ServiceApp("My service")).`,
    );
  }
  try {
    void app.definition;
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  return app;
}

/**
 * The service's version: the ServiceApp's own, else the `version` of the nearest package.json above the
 * handlers file (the project's), so that one number is kept in one place.
 */
export function serviceVersion(app: ServiceApp, file: string): string {
  if (app.options.version !== undefined) return app.version;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown };
        if (typeof version === "string" && version !== "") return version;
      } catch {
        // an unreadable package.json is not ours to report here: the version stays the default
      }
      return app.version;
    }
    if (path.dirname(dir) === dir) return app.version;
  }
}

/** A loaded handlers file: the service it describes, and how the worker runs its handler. */
export interface LoadedService {
  app: ServiceApp;
  /** The handlers file the service's code comes from: the file itself, or the one a compiled file was built from. */
  source: string;
  createRunner(): HandlerRunner;
}

export interface LoadServiceOptions {
  config: ServiceConfig;
  env: Record<string, string | undefined>;
  log: JobLogger;
  /** Whether this process will run jobs (the worker): a Python process that imported the file is then kept. */
  runsJobs: boolean;
}

/** Picks the runner by the file's extension: `.py` runs in a pool of Python processes, the rest in-process. */
export async function loadService(file: string, opts: LoadServiceOptions): Promise<LoadedService> {
  if (path.extname(file) === ".py") {
    const { loadPythonService } = await import("../runner/python/service.js");
    const service = await loadPythonService({
      file,
      projectDir: path.dirname(file),
      config: opts.config,
      env: opts.env,
      log: opts.log,
      keep: opts.runsJobs,
    });
    return { ...service, source: file };
  }
  const { run, source } = currentCode(file, opts.log);
  const app = await loadApp(run);
  return { app, source, createRunner: () => inProcessRunner(app.definition) };
}

/**
 * The file to import: a file `praisonai-svc build` made, while it matches its sources; otherwise the
 * sources themselves, through tsx, with a warning. Falling back rather than refusing: the code that runs
 * is always the current code, and the service still starts (a container that refused would restart
 * forever); it only starts slower, and the warning says how to get the fast start back.
 */
function currentCode(file: string, log: JobLogger): { run: string; source: string } {
  let build: CheckedBuild | undefined;
  try {
    build = checkBuild(file);
  } catch (error) {
    throw new CliError(
      `Could not read what ${file} was compiled from (${(error as Error).message}): run \`praisonai-svc build\` again.`,
    );
  }
  if (!build) return { run: file, source: file };
  if (build.changed.length === 0) {
    // Stack traces then name the handlers.ts lines the compiled code came from (dist/handlers.mjs.map).
    process.setSourceMapsEnabled(true);
    log.info({ event: "handlers_compiled", file, source: build.entry }, "running the compiled handlers");
    return { run: file, source: build.entry };
  }
  if (!existsSync(build.entry)) {
    throw new CliError(
      `${file} was compiled from ${build.entry}, which is gone: run \`praisonai-svc build\` on the handlers file, or pass it to the command.`,
    );
  }
  log.warn(
    { event: "build_stale", compiled: file, changed: build.changed },
    `${file} is older than its sources (${build.changed.map((f) => path.basename(f)).join(", ")} changed): ` +
      `running ${build.entry} through tsx instead; run \`praisonai-svc build\` to start without tsx again`,
  );
  return { run: build.entry, source: build.entry };
}
