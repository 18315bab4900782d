// `praisonai-svc worker [file]`: the queue worker alone (the deployment's worker container).
import type { Command } from "commander";
import { startWorker } from "../roles.js";
import { connectStorage, setupService } from "../service-setup.js";
import { untilShutdown } from "../shutdown.js";

export function workerCommand(program: Command): void {
  program
    .command("worker")
    .description("run the queue worker only; several worker processes may share one storage account")
    .argument("[file]", "handlers file (default: handlers.ts, then handlers.js)")
    .action(async (file: string | undefined) => {
      const setup = await setupService({ file, role: "worker" });
      const storage = await connectStorage(setup.config, setup.log);
      const worker = await startWorker({ ...setup, storage });
      await untilShutdown(async (signal) => {
        setup.log.info(
          { signal, running: worker.running },
          "stopping: no new jobs; finishing the running ones",
        );
        await worker.close();
        await setup.telemetry.shutdown();
        setup.log.info({}, "worker stopped");
      });
    });
}
