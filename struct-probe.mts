import { startAzurite } from "./src/local/azurite.ts";
import { spawn } from "node:child_process";
const az = await startAzurite();
const t0 = Date.now();
const child = spawn(process.execPath, ["bin/praisonai-svc.js", "worker", "test/fixtures/cli/counting.ts"], {
  env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: az.connectionString }, stdio: ["ignore", "pipe", "pipe"] });
child.stdout.on("data", (d) => console.log(Date.now() - t0, "OUT", d.toString().trim()));
child.stderr.on("data", (d) => console.log(Date.now() - t0, "ERR", d.toString().trim()));
await new Promise((r) => setTimeout(r, 15000));
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", (c, s) => { console.log("exit", c, s); r(null); }));
await az.stop();
