// `praisonai-svc drain [file]`: a worker that exits once the queue stays empty — one execution of the
// Container Apps job layout (`deploy azure --worker-layout job`).
import type { Command } from "commander";
import { seconds } from "../../config/settings.js";
import { HANDLER_FILE_HELP } from "../load-app.js";
import { startWorker } from "../roles.js";
import { connectStorage, setupService } from "../service-setup.js";
import { untilShutdown } from "../shutdown.js";

const CHECK_MS = 250;
/** --idle and --max-runtime: seconds (fractions allowed), as milliseconds. */
const DURATION = seconds(0.001, 7 * 24 * 3600);

export function drainCommand(program: Command): void {
  program
    .command("drain")
    .description("process queued jobs until the queue stays empty, then exit (the Container Apps job layout)")
    .argument("[file]", HANDLER_FILE_HELP)
    .option("--idle <seconds>", "exit after this long with nothing to do", "10")
    .option(
      "--max-runtime <seconds>",
      "stop taking jobs in time to finish within this (the job's replica timeout)",
    )
    .action(async (file: string | undefined, opts: { idle: string; maxRuntime?: string }) => {
      const idleMs = DURATION(opts.idle, "--idle");
      const setup = await setupService({ file, role: "worker" });
      const storage = await connectStorage(setup.config, setup.log);
      const started = Date.now();
      // Stop taking work once a job started now could overrun the execution's time limit.
      const lastStart =
        opts.maxRuntime === undefined
          ? Number.POSITIVE_INFINITY
          : started + DURATION(opts.maxRuntime, "--max-runtime") - setup.config.jobTimeoutMs - 30_000;
      const worker = await startWorker({ ...setup, storage });
      let lastBusy = Date.now();
      let closing: Promise<void> | undefined;
      const close = (reason: string) => {
        closing ??= (async () => {
          setup.log.info({ reason }, "drain: stopping");
          await worker.close();
          await setup.telemetry.shutdown();
          setup.log.info({}, "drain: done");
        })();
        return closing;
      };
      const idle = async () => {
        while (!closing) {
          await new Promise((r) => setTimeout(r, CHECK_MS));
          if (worker.running > 0) lastBusy = Date.now();
          else if (Date.now() - lastBusy >= idleMs) await close("queue empty");
          if (Date.now() >= lastStart) await close("time limit near");
        }
        await closing;
      };
      await Promise.race([untilShutdown(() => close("signal")), idle()]);
    });
}
