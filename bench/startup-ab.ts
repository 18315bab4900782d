// Start-up of two builds of the CLI side by side (A/B), with the bare Fastify server as the common baseline:
// spawn -> first 200 from /health, as bench/startup.ts measures `startup_ratio`, but for two copies of the
// package (e.g. main's and a branch's), alternating start by start against one Azurite so that the
// machine's load swings reach both alike. A one-off comparison of a change, not a figure of the suite.
//
//   node --import tsx bench/startup-ab.ts <package dir A> <package dir B> [starts, default 10] [handlers.ts]
//
// A package dir holds package.json, bin/praisonai-svc.js and dist/ (a copy of the repository's, with
// node_modules beside it or above it).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { outfileFor } from "../src/build/compile.js";
import { freePort, startAzurite } from "../src/local/azurite.js";
import { namespace, ourStorage, serviceEnv } from "./support/azure.js";
import { cpuMs, FIXTURES, type Proc, startProcess, stopAll, waitForHealth } from "./support/procs.js";
import { median } from "./support/stats.js";

const [dirA, dirB, startsArg, handlersArg] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error(
    "usage: node --import tsx bench/startup-ab.ts <package dir A> <package dir B> [starts] [handlers.ts]",
  );
  process.exit(2);
}
const starts = Number(startsArg ?? 10);

const azurite = await startAzurite();
try {
  const ns = namespace();
  await ourStorage(azurite.connectionString, ns);
  const env = { HOST: "127.0.0.1", ...serviceEnv(azurite.connectionString, ns) };
  // As deployed: handlers.ts compiled by `praisonai-svc build`, each package's own (what it bundles is part
  // of what is compared: B may bundle zod where A leaves it to node_modules). Compiled inside each package
  // dir (in its .praisonai-svc/, ignored by git), so that its `import "praisonai-svc"` loads that build, as
  // in a service, not a third copy. The file may import packages only (no relative imports).
  const source = readFileSync(path.resolve(handlersArg ?? path.join(FIXTURES, "noop-handlers.ts")), "utf8");
  const compiled = async (dir: string) => {
    const file = path.resolve(dir, ".praisonai-svc", "startup-ab", "handlers.ts");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source);
    execFileSync(process.execPath, [path.resolve(dir, "bin/praisonai-svc.js"), "build", file], {
      stdio: "ignore",
    });
    return outfileFor(file);
  };
  const cli = async (dir: string) => {
    const outfile = await compiled(dir);
    return (port: number) =>
      startProcess(
        `api ${dir}`,
        process.execPath,
        [path.resolve(dir, "bin/praisonai-svc.js"), "api", outfile],
        {
          env: { ...env, PORT: String(port) },
          quiet: true,
        },
      );
  };
  type Name = "A" | "B" | "bare";
  const contenders: Record<Name, (port: number) => Proc> = {
    A: await cli(dirA),
    B: await cli(dirB),
    bare: (port) =>
      startProcess("bare fastify", process.execPath, [path.join(FIXTURES, "bare-server.mjs")], {
        env: { PORT: String(port) },
      }),
  };
  const samples: Record<Name, number[]> = { A: [], B: [], bare: [] };
  // CPU time (user + system) the process had used when /health answered: what it did itself, which the
  // other processes of a loaded machine stretch less than the wall time (10 ms resolution).
  const cpu: Record<Name, number[]> = { A: [], B: [], bare: [] };
  // One untimed start each first (file-system caches), then rounds whose order flips every other round.
  for (let round = -1; round < starts; round++) {
    const order: Name[] = ["A", "B", "bare"];
    if (round % 2 === 1) order.reverse();
    for (const name of order) {
      const port = await freePort();
      const t0 = performance.now();
      const proc = contenders[name](port);
      const ms = (await waitForHealth(`http://127.0.0.1:${port}`, proc, 60_000)) - t0;
      const used = cpuMs(proc.pid);
      await proc.stop(0);
      if (round >= 0) {
        samples[name].push(ms);
        cpu[name].push(used);
      }
    }
  }
  for (const name of ["A", "B", "bare"] as const) {
    const ms = samples[name];
    console.log(
      `${name.padEnd(5)} median ${median(ms).toFixed(0)} ms, CPU ${median(cpu[name]).toFixed(0)} ms  (${ms.map((v) => v.toFixed(0)).join(", ")})`,
    );
  }
  const ratio = (name: "A" | "B", of: Record<Name, number[]>) =>
    (median(of[name]) / median(of.bare)).toFixed(2);
  console.log(`startup_ratio A ${ratio("A", samples)}, B ${ratio("B", samples)}`);
  console.log(`CPU ratio     A ${ratio("A", cpu)}, B ${ratio("B", cpu)}`);
} finally {
  await stopAll();
  await azurite.stop();
}
