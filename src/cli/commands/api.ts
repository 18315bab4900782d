// `praisonai-svc api [file]`: the HTTP API alone (the deployment's api container).
import type { Command } from "commander";
import { deferredStorage } from "../../storage/deferred.js";
import { HANDLER_FILE_HELP } from "../load-app.js";
import { startApi } from "../roles.js";
import { connectStorage, setupService } from "../service-setup.js";
import { untilShutdown } from "../shutdown.js";

export function apiCommand(program: Command): void {
  program
    .command("api")
    .description("run the HTTP API only (jobs are processed by `praisonai-svc worker` processes)")
    .argument("[file]", HANDLER_FILE_HELP)
    .option("-p, --port <port>", "port to listen on (default: $PORT or 8080)")
    .action(async (file: string | undefined, opts: { port?: string }) => {
      const setup = await setupService({ file, port: opts.port, role: "api" });
      // Listen first: /health answers before the Azure SDKs even load (they are most of the start-up time,
      // and loading them meanwhile would slow the listen down); job routes wait for the connection.
      let listening!: () => void;
      const connecting = new Promise<void>((resolve) => {
        listening = resolve;
      }).then(() => connectStorage(setup.config, setup.log));
      const { api, url } = await startApi({ ...setup, storage: deferredStorage(connecting) });
      listening();
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
