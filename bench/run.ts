// `npm run bench [-- --quick | --tiny] [--out file.json] [--doc file.md] [--only api,worker,...]`:
// every measurement against one in-memory Azurite started here, each next to its baseline from the same run.
// Writes bench/results/latest.json and the tables of docs/performance.md (tiny and --only runs: only where told).
import { existsSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type Azurite, startAzurite } from "../src/local/azurite.js";
import { measureApi } from "./api.js";
import { measureHistory } from "./history.js";
import { measureIdleCost } from "./idle-cost.js";
import { measureMemory } from "./memory.js";
import { type PythonPeer, pythonPeer } from "./python.js";
import { measureStartup } from "./startup.js";
import { type Mode, type RunOptions, SIZES } from "./support/options.js";
import { ROOT, stopAll } from "./support/procs.js";
import { describeMachine, writeDoc, writeJson } from "./support/report.js";
import { Results } from "./support/results.js";
import { measureWake } from "./wake.js";
import { measureWorker } from "./worker.js";

const PHASES = ["api", "worker", "startup", "memory", "idle", "history", "wake"] as const;
type Phase = (typeof PHASES)[number];

function options(argv: string[]): RunOptions & { only: Set<Phase> } {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      tiny: { type: "boolean", default: false },
      out: { type: "string" },
      doc: { type: "string" },
      only: { type: "string" },
      "no-install": { type: "boolean", default: false },
    },
  });
  const mode: Mode = values.tiny ? "tiny" : values.quick ? "quick" : "full";
  const only = new Set((values.only?.split(",") ?? PHASES) as Phase[]);
  for (const p of only)
    if (!PHASES.includes(p)) throw new Error(`--only: unknown phase ${p} (${PHASES.join(", ")})`);
  // A tiny or a partial (--only) run must not overwrite the real figures unless told where to write.
  const complete = mode !== "tiny" && values.only === undefined;
  const defaultOut = complete ? path.join(ROOT, "bench", "results", "latest.json") : "";
  const defaultDoc = complete ? path.join(ROOT, "docs", "performance.md") : "";
  return {
    mode,
    sizes: SIZES[mode],
    out: values.out ? path.resolve(values.out) : defaultOut,
    doc: values.doc ? path.resolve(values.doc) : defaultDoc,
    installPython: mode !== "tiny" && !values["no-install"],
    only,
  };
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** The CLI runs dist/: warn when it is older than src/, since then the figures are not of the current code. */
function warnIfStale(): void {
  const built = path.join(ROOT, "dist", "cli.js");
  if (!existsSync(built))
    throw new Error("dist/ is missing: run `npm run build` first (the benchmark runs the built CLI).");
  const newestSrc = Math.max(...walk(path.join(ROOT, "src")).map((f) => statSync(f).mtimeMs));
  if (newestSrc > statSync(built).mtimeMs)
    log("warning: src/ changed after the last build; run `npm run build` to measure the current code");
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  warnIfStale();
  const results = new Results();
  const loadAvg = os.loadavg()[0] ?? 0;
  const started = performance.now();
  let azurite: Azurite | undefined;
  const cleanup = async () => {
    await stopAll();
    await azurite?.stop();
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }
  try {
    azurite = await startAzurite();
    log(`bench (${opts.mode}): Azurite pid ${azurite.pid}, load average ${loadAvg.toFixed(1)}`);
    const python: PythonPeer = opts.sizes.peers
      ? await pythonPeer(opts.installPython, log)
      : { ok: false, reason: "peers are compared in full runs only (the quick run's time budget)" };
    log(
      python.ok ? `python original ${python.version} ready` : `python original unavailable: ${python.reason}`,
    );
    const ctx = {
      conn: azurite.connectionString,
      ports: azurite.ports,
      sizes: opts.sizes,
      python,
      results,
      log,
    };
    const phases: Record<Phase, [string, () => Promise<void>]> = {
      api: ["1. API", () => measureApi(ctx)],
      worker: ["2. Worker", () => measureWorker(ctx)],
      startup: ["3. Start-up", () => measureStartup(ctx)],
      memory: ["4. Memory", () => measureMemory(ctx)],
      idle: ["5. Idle cost", () => measureIdleCost(ctx)],
      history: ["6. Job history", () => measureHistory(ctx)],
      wake: ["8. Wake on submit", () => measureWake({ ...ctx, mode: opts.mode })],
    };
    for (const phase of PHASES) {
      if (!opts.only.has(phase)) continue;
      const [title, measure] = phases[phase];
      const t = performance.now();
      log(title);
      await measure();
      log(`  (${((performance.now() - t) / 1000).toFixed(0)} s)`);
    }
  } finally {
    await cleanup();
  }
  const machine = describeMachine(opts.mode, loadAvg, (performance.now() - started) / 1000);
  if (opts.out) writeJson(opts.out, machine, results);
  if (opts.doc) writeDoc(opts.doc, machine, results);
  log(
    `done in ${machine.seconds} s${opts.out ? `: ${path.relative(process.cwd(), opts.out)}` : ""}${opts.doc ? `, ${path.relative(process.cwd(), opts.doc)}` : ""}`,
  );
  if (!opts.out)
    process.stdout.write(
      `${JSON.stringify({ machine, metrics: results.metrics, reasons: results.reasons })}\n`,
    );
}

await main();
