// The README's first command, as a newcomer runs it: `npm start` serves the PPT example on local storage.
// Local data persists in examples/ppt/.praisonai-svc, so the sample is made unique to the run: otherwise a second
// run would get the first run's finished job back (200) and the worker would never be exercised.

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { ROOT, waitForJob } from "./support/cli.js";
import { readPptx } from "./support/pptx.js";

it("`npm start` starts the example PPT service on local storage; a YAML job yields a deck", async () => {
  // Port 0: the service binds a free port itself and its banner names it (no port freed here for another to take).
  const env: Record<string, string> = { PORT: "0", HOST: "127.0.0.1" };
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("AZURE_") && !k.startsWith("PRAISONAI_SVC_") && k !== "PORT")
      env[k] = v;
  }
  // Its own process group, so the test can press "Ctrl-C" on npm and everything it started.
  const npm = spawn("npm", ["start"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  npm.stdout.on("data", (d: Buffer) => (out += d));
  npm.stderr.on("data", (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
  const pgid = npm.pid as number;
  try {
    const deadline = Date.now() + 60_000;
    while (!out.includes("Stop with Ctrl-C")) {
      if (Date.now() > deadline || npm.exitCode !== null)
        throw new Error(`npm start did not come up:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = out.match(/API: +(http:\/\/127\.0\.0\.1:[1-9]\d*)\n/)?.[1];
    if (!url) throw new Error(`the banner names no API address:\n${out}`);
    expect(out).toContain(`Docs:     ${url}/docs`);
    const subtitle = `Three that abide (run ${randomUUID()})`;
    const sample = readFileSync(path.join(ROOT, "examples/ppt/sample.yaml"), "utf8");
    const yaml = sample.replace(/^presentation_subtitle: .*$/m, `presentation_subtitle: ${subtitle}`);
    expect(yaml).toContain(subtitle);
    const res = await fetch(`${url}/jobs`, {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: yaml,
    });
    expect(res.status).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };
    const job = await waitForJob(url, job_id, { timeoutMs: 45_000 });
    expect(job.status).toBe("done");
    const deck = Buffer.from(await (await fetch(`${url}/jobs/${job_id}/download`)).arrayBuffer());
    // Built from this run's payload: its unique subtitle is on a slide.
    const { slides } = await readPptx(deck);
    expect(slides.some((sl) => [...sl.shapes.values()].some((t) => t.includes(subtitle)))).toBe(true);
  } finally {
    process.kill(-pgid, "SIGINT");
    const timer = setTimeout(() => process.kill(-pgid, "SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}, 90_000);
