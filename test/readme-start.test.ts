// The README's first command, as a newcomer runs it: `npm start` serves the PPT example on local storage.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { freePort } from "../src/local/azurite.js";
import { ROOT, waitForJob } from "./support/cli.js";

it("`npm start` starts the example PPT service on local storage; a YAML job yields a deck", async () => {
  const port = await freePort();
  const env: Record<string, string> = { PORT: String(port), HOST: "127.0.0.1" };
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
    const deadline = Date.now() + 30_000;
    while (!out.includes("Stop with Ctrl-C")) {
      if (Date.now() > deadline || npm.exitCode !== null)
        throw new Error(`npm start did not come up:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = `http://127.0.0.1:${port}`;
    expect(out).toContain(`Docs:     ${url}/docs`);
    const res = await fetch(`${url}/jobs`, {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: readFileSync(path.join(ROOT, "examples/ppt/sample.yaml")),
    });
    expect([200, 202]).toContain(res.status);
    const { job_id } = (await res.json()) as { job_id: string };
    const job = await waitForJob(url, job_id, { timeoutMs: 45_000 });
    expect(job.status).toBe("done");
    const deck = Buffer.from(await (await fetch(`${url}/jobs/${job_id}/download`)).arrayBuffer());
    expect(deck.subarray(0, 2).toString()).toBe("PK"); // a zip: the .pptx container
  } finally {
    process.kill(-pgid, "SIGINT");
    const timer = setTimeout(() => process.kill(-pgid, "SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}, 90_000);
