// `praisonai-svc run [file]`: API and worker together for local use; starts local storage when none is configured.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import type { Command } from "commander";
import { CONNECTION_VARS, hasConnections, loadConfig } from "../../config/config.js";
import { type Azurite, startAzurite } from "../../local/azurite.js";
import { PACKAGE_ROOT } from "../../own-package.js";
import { freeWakePort } from "../../worker/wake.js";
import { HANDLER_FILE_HELP } from "../load-app.js";
import { startApi } from "../roles.js";
import { connectStorage, setupService } from "../service-setup.js";
import { untilShutdown } from "../shutdown.js";

const BIN = path.join(PACKAGE_ROOT, "bin", "praisonai-svc.js");
/** Where `run` keeps local storage, relative to the handlers file's folder. */
export const LOCAL_DATA_DIR = path.join(".praisonai-svc", "azurite");

export function runCommand(program: Command): void {
  program
    .command("run")
    .description(
      "run the API and a worker; without AZURE_STORAGE_CONNECTION_STRING, on local storage (Azurite)",
    )
    .argument("[file]", HANDLER_FILE_HELP)
    .option("-p, --port <port>", "port to listen on (default: $PORT or 8080)")
    .action(async (file: string | undefined, opts: { port?: string }) => {
      // Local use: listen on loopback only unless HOST says otherwise (containers run `api`, which keeps 0.0.0.0).
      const setup = await setupService({
        file,
        port: opts.port,
        role: "api",
        env: { ...process.env, HOST: process.env.HOST || "127.0.0.1" },
      });
      const { log, app } = setup;
      let { env, config } = setup;
      let azurite: Azurite | undefined;
      if (!hasConnections(config.connections)) {
        const location = path.join(setup.projectDir, LOCAL_DATA_DIR);
        azurite = await startAzurite({ location, projectDir: setup.projectDir });
        // Every storage service on local storage; the worker gets the same environment.
        env = { ...env, ...Object.fromEntries(CONNECTION_VARS.map((name) => [name, ""])) };
        env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
        config = loadConfig(env);
      }
      if (!env.PRAISONAI_SVC_WAKE_PORT) {
        // API and worker share this machine: the API wakes the worker when it enqueues (src/worker/wake.ts).
        env = { ...env, PRAISONAI_SVC_WAKE_PORT: String(await freeWakePort()) };
        config = loadConfig(env);
      }
      const stopAzurite = () => azurite?.stop();

      const storage = await connectStorage(config, log).catch(async (e) => {
        await stopAzurite();
        throw e;
      });
      const { api, url } = await startApi({ ...setup, config, storage });
      // The worker runs in its own process, so a CPU-heavy handler never stalls the API.
      const worker = superviseWorker(setup.file, env, log);

      printBanner({
        name: app.name,
        url,
        local: azurite ? path.join(setup.projectDir, LOCAL_DATA_DIR) : undefined,
        example: app.options.example,
      });
      await untilShutdown(async () => {
        await Promise.all([api.close(), worker.stop()]);
        await Promise.all([stopAzurite(), setup.telemetry.shutdown()]);
      });
    });
}

/** Runs `praisonai-svc worker` as a child process and restarts it if it dies (at most 5 times a minute). */
function superviseWorker(file: string, env: NodeJS.ProcessEnv, log: { warn(o: object, m: string): void }) {
  let child: ChildProcess;
  let stopping = false;
  const restarts: number[] = [];
  const start = () => {
    // Its own process group: a terminal's Ctrl-C reaches only `run`, which then stops the worker
    // gracefully (one SIGTERM) before it stops the storage the worker still needs.
    child = spawn(process.execPath, [BIN, "worker", file], {
      env,
      // The IPC channel is only a lifeline: if `run` dies without stopping it, the worker sees it close and stops.
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      detached: true,
    });
    child.once("exit", (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && (restarts[0] as number) < now - 60_000) restarts.shift();
      if (restarts.length > 5) {
        log.warn({ code, signal }, "worker keeps exiting; not restarting it again (see the errors above)");
        return;
      }
      log.warn({ code, signal }, "worker exited; restarting it");
      setTimeout(start, 1000);
    });
  };
  start();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function printBanner(o: { name: string; url: string; local?: string; example?: unknown }): void {
  const payload = JSON.stringify(o.example ?? {}).replace(/'/g, "'\\''");
  const lines = [
    "",
    `  ${o.name} is running: API and worker${o.local ? ", on local storage (Azurite)" : ""}`,
    `  API:      ${o.url}`,
    `  Docs:     ${o.url}/docs`,
    ...(o.local ? [`  Storage:  ${o.local}`] : []),
    "  Submit a job:",
    `    curl -sS -X POST ${o.url}/jobs -H 'Content-Type: application/json' -d '${payload}'`,
    `  Then poll ${o.url}/jobs/<job_id> and fetch ${o.url}/jobs/<job_id>/download`,
    "  Stop with Ctrl-C.",
    "",
  ];
  process.stderr.write(`${lines.join("\n")}\n`);
}
