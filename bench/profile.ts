// Profiles one of our processes under the benchmark's load: `node --import tsx bench/profile.ts worker|api-post|api-get [n]`.
// Runs it with --cpu-prof, reports its CPU time per operation and where that time goes (self time by module
// and by function). A diagnostic for where a ratio misses its goal; not part of `npm run bench`.

import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startAzurite } from "../src/local/azurite.js";
import { namespace, ourStorage, serviceEnv, submit } from "./support/azure.js";
import { summarize } from "./support/cpuprofile.js";
import { keepAliveAgent, postJson, request } from "./support/http.js";
import { runLoad } from "./support/load.js";
import {
  BIN,
  cpuMs,
  FIXTURES,
  sleep,
  startProcess,
  stopAll,
  waitForHealth,
  waitUntil,
} from "./support/procs.js";

const [target = "worker", count = "2000", ...flags] = process.argv.slice(2);
const n = Number(count);
const dir = mkdtempSync(path.join(os.tmpdir(), "praisonai-prof-"));

const azurite = await startAzurite();
try {
  const ns = namespace();
  const storage = await ourStorage(azurite.connectionString, ns);
  const env = {
    HOST: "127.0.0.1",
    ...serviceEnv(azurite.connectionString, ns, {
      PRAISONAI_SVC_POLL_MIN: "0.05",
      PRAISONAI_SVC_POLL_MAX: "0.2",
    }),
  };
  const role = target === "worker" ? "worker" : "api";
  const port = await freePort();
  let done = 0;
  let ready = false;
  const proc = startProcess(
    role,
    process.execPath,
    [
      ...flags,
      "--cpu-prof",
      "--cpu-prof-dir",
      dir,
      BIN,
      role,
      path.join(FIXTURES, "noop-handlers.ts"),
      ...(role === "api" ? ["--port", String(port)] : []),
    ],
    {
      env,
      onLine(line) {
        if (line.includes('"msg":"job done"')) done++;
        if (line.includes('"msg":"worker polling"')) ready = true;
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  let before = 0;
  let wall = performance.now();
  if (target === "startup") {
    const t0 = performance.now();
    await waitForHealth(url, proc);
    console.log(
      `startup: /health after ${(performance.now() - t0).toFixed(0)} ms (profiled, so slower than unprofiled)`,
    );
  } else if (role === "worker") {
    await waitUntil(
      () => ready,
      30_000,
      () => proc.tail(),
    );
    before = cpuMs(proc.pid);
    wall = performance.now();
    const run = randomUUID();
    let submitted = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (submitted < n) {
          if (submitted - done >= 24) {
            await sleep(2);
            continue;
          }
          submitted++;
          await submit(storage, { i: submitted, run });
        }
      }),
    );
    await waitUntil(
      () => done >= n,
      600_000,
      () => `${done} done`,
    );
  } else {
    await waitForHealth(url, proc);
    const agent = keepAliveAgent(16);
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) ids.push((await submit(storage, { seed: i })).id);
    before = cpuMs(proc.pid);
    wall = performance.now();
    const run = randomUUID();
    const r = await runLoad({ concurrency: 16, total: n }, async (i) => {
      const res =
        target === "api-post"
          ? await postJson(agent, `${url}/jobs`, { i, run })
          : await request(agent, "GET", `${url}/jobs/${ids[i % ids.length]}`);
      if (res.status >= 300) throw new Error(`${res.status} ${res.body}`);
    });
    console.log(`${target}: ${r.rps.toFixed(0)}/s p50 ${r.p50Ms.toFixed(1)} ms`);
  }
  const cpu = cpuMs(proc.pid) - before;
  const seconds = (performance.now() - wall) / 1000;
  await proc.stop();
  console.log(
    `${target}: ${n} ops in ${seconds.toFixed(1)} s; process CPU ${cpu} ms = ${(cpu / n).toFixed(2)} ms per op (${((cpu / 1000 / seconds) * 100).toFixed(0)}% of a core)`,
  );
  // One profile per thread (tsx's loader runs in a worker thread): the main thread's is the largest.
  const file = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort((a, b) => statSync(path.join(dir, b)).size - statSync(path.join(dir, a)).size)[0];
  if (!file) throw new Error(`no profile written in ${dir}`);
  const s = summarize(path.join(dir, file));
  console.log(
    `profile ${path.join(dir, file)}: ${s.totalMs.toFixed(0)} ms sampled (whole life, start-up included)`,
  );
  console.log("self time by module:");
  for (const m of s.byModule) console.log(`  ${m.ms.toFixed(0).padStart(7)} ms  ${m.name}`);
  console.log("self time by function:");
  for (const f of s.byFunction) console.log(`  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}`);
} finally {
  await stopAll();
  await azurite.stop();
}
