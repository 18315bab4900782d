// `praisonai-svc api [file]`: the HTTP API alone (the deployment's api container).
import type { Command } from "commander";
import { deferredStorage } from "../../storage/deferred.js";
import { startApi } from "../roles.js";
import { connectStorage, setupService } from "../service-setup.js";
import { untilShutdown } from "../shutdown.js";

export function apiCommand(program: Command): void {
  program
    .command("api")
    .description("run the HTTP API only (jobs are processed by `praisonai-svc worker` processes)")
    .argument("[file]", "handlers file (default: handlers.ts, then handlers.js)")
    .option("-p, --port <port>", "port to listen on (default: $PORT or 8080)")
    .action(async (file: string | undefined, opts: { port?: string }) => {
      const setup = await setupService({ file, port: opts.port, role: "api" });
      // Listen first: /health answers while storage connects; job routes wait for it.
      const connecting = connectStorage(setup.config, setup.log);
      const { api, url } = await startApi({ ...setup, storage: deferredStorage(connecting) });
      const stopped = untilShutdown(async () => {
        await api.close();
        await setup.telemetry.shutdown();
      });
      await connecting.catch(async (error: unknown) => {
        await api.close();
        await setup.telemetry.shutdown();
        throw error;
      });
      setup.log.info({ url }, `${setup.app.name} API listening`);
      await stopped;
    });
}
