// `praisonai-svc worker [file]`: the queue worker alone (the deployment's worker container).
import type { Command } from "commander";
import type { Worker } from "../../worker/worker.js";
import { HANDLER_FILE_HELP } from "../load-app.js";
import { startWorker } from "../roles.js";
import { connectStorage, setupService } from "../service-setup.js";
import { untilShutdown } from "../shutdown.js";

export function workerCommand(program: Command): void {
  program
    .command("worker")
    .description("run the queue worker only; several worker processes may share one storage account")
    .argument("[file]", HANDLER_FILE_HELP)
    .action(async (file: string | undefined) => {
      const setup = await setupService({ file, role: "worker" });
      const connecting = new AbortController();
      let worker: Worker | undefined;
      const stopped = untilShutdown(async (signal) => {
        connecting.abort(); // a worker still waiting for storage stops waiting
        if (!worker) return await setup.telemetry.shutdown();
        setup.log.info(
          { signal, running: worker.running },
          "stopping: no new jobs; finishing the running ones",
        );
        await worker.close();
        await setup.telemetry.shutdown();
        setup.log.info({}, "worker stopped");
      });
      const storage = await connectStorage(setup.config, setup.log, { retryUntil: connecting.signal }).catch(
        (error: unknown) => {
          if (!connecting.signal.aborted) throw error;
        },
      );
      if (storage) {
        const started = await startWorker({ ...setup, storage });
        // A shutdown that came while the worker was starting found nothing to stop: stop it here.
        if (connecting.signal.aborted) await started.close();
        else worker = started;
      }
      await stopped;
    });
}
