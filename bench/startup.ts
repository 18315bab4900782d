// 3. Start-up: spawn -> first 200 from /health for `praisonai-svc api` (its storage already created, as a
// restarted replica finds it), next to a bare Fastify server and the Python original's API. The service is
// what a deployed image runs, handlers.ts compiled by `praisonai-svc build`: the no-op service (the
// framework's own cost), and the handlers.ts `praisonai-svc new service` writes (a zod schema: what users
// deploy). handlers.ts through tsx (local development, no build step) is its own row.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compileHandlers } from "../src/build/compile.js";
import { freePort } from "../src/local/azurite.js";
import { handlersFile } from "../src/scaffold/handlers.js";
import { type PythonPeer, pythonEnv, startPythonApi } from "./python.js";
import { namespace, ourStorage, serviceEnv } from "./support/azure.js";
import type { Sizes } from "./support/options.js";
import { FIXTURES, type Proc, ROOT, startProcess, startService, waitForHealth } from "./support/procs.js";
import type { Results } from "./support/results.js";
import { median } from "./support/stats.js";

export interface StartupContext {
  conn: string;
  sizes: Sizes;
  python: PythonPeer;
  results: Results;
  log(msg: string): void;
}

type Starter = (port: number) => Proc;

export async function measureStartup(ctx: StartupContext): Promise<void> {
  const { conn, sizes, results, python } = ctx;
  const ns = namespace();
  await ourStorage(conn, ns);
  // As the image's `RUN praisonai-svc build` does (bench/fixtures/dist/, ignored by git).
  const { outfile: compiled } = await compileHandlers(path.join(FIXTURES, "noop-handlers.ts"));
  const { outfile: compiledSchema } = await compileHandlers(newServiceHandlers());
  const starters: Record<string, Starter> = {
    startup_ms: (port) => startService("api", serviceEnv(conn, ns), { port, quiet: true, file: compiled }),
    // The greeting service `praisonai-svc new service` writes: a zod schema, validated and shown in /openapi.json.
    startup_schema_ms: (port) =>
      startService("api", serviceEnv(conn, ns), { port, quiet: true, file: compiledSchema }),
    // The no-op service's handlers.ts, compiled by tsx as the process starts: `praisonai-svc run` in development.
    startup_tsx_ms: (port) =>
      startService("api", serviceEnv(conn, ns), {
        port,
        quiet: true,
        file: path.join(FIXTURES, "noop-handlers.ts"),
      }),
    // Telemetry on: the SDK and the OTLP exporters load once the API listens (nothing is exported before /health).
    startup_telemetry_ms: (port) =>
      startService("api", serviceEnv(conn, ns, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" }), {
        port,
        quiet: true,
        file: compiled,
      }),
    // The same with a handlers.py: one Python process imports it to learn its name and schema, then exits.
    startup_python_handlers_ms: (port) =>
      startService("api", serviceEnv(conn, ns), {
        port,
        quiet: true,
        file: path.join(FIXTURES, "noop-handlers.py"),
      }),
    bare_startup_ms: (port) =>
      startProcess("bare fastify", process.execPath, [path.join(FIXTURES, "bare-server.mjs")], {
        env: { PORT: String(port) },
      }),
  };
  if (python.ok) {
    const pyNs = namespace();
    starters.python_original_startup_ms = (port) => startPythonApi(python, pythonEnv(conn, pyNs), port);
  } else {
    results.unavailable("python_original_startup_ms", python.reason);
  }

  const samples: Record<string, number[]> = {};
  // One untimed start each first: file-system caches warm for every contender alike.
  for (let round = -1; round < sizes.startupRepeats; round++) {
    for (const [name, start] of Object.entries(starters)) {
      const port = await freePort();
      const t0 = performance.now();
      const proc = start(port);
      const ms = (await waitForHealth(`http://127.0.0.1:${port}`, proc, 60_000)) - t0;
      await proc.stop(0); // nothing to finish: no need to wait for a graceful exit
      if (round >= 0) samples[name] = [...(samples[name] ?? []), ms];
    }
  }
  for (const [name, ms] of Object.entries(samples)) {
    results.set(name, median(ms));
    ctx.log(`  ${name.padEnd(28)} ${ms.map((v) => v.toFixed(0)).join(", ")} ms`);
  }
  results.ratio("startup_ratio", "startup_ms", "bare_startup_ms");
  results.ratio("startup_schema_ratio", "startup_schema_ms", "bare_startup_ms");
  results.ratio("startup_telemetry_ratio", "startup_telemetry_ms", "startup_ms");
  results.ratio("startup_tsx_ratio", "startup_tsx_ms", "bare_startup_ms");
}

/**
 * The `new service` template's handlers.ts, written where `praisonai-svc` and `zod` resolve to this
 * repository's (.praisonai-svc/, ignored by git): generated at each run, so it is always today's template.
 */
function newServiceHandlers(): string {
  const file = path.join(ROOT, ".praisonai-svc", "bench", "new-service", "handlers.ts");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, handlersFile({ title: "bench new service" }));
  return file;
}
