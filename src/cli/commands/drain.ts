// `praisonai-svc drain [file]`: a worker that exits once the queue stays empty — one execution of the
// Container Apps job layout (`deploy azure --worker-layout job`).
import type { Command } from "commander";
import { CliError } from "../errors.js";
import { onShutdownSignal, startWorker } from "../roles.js";
import { connectStorage, setupService } from "../service-setup.js";

const CHECK_MS = 250;

export function drainCommand(program: Command): void {
  program
    .command("drain")
    .description("process queued jobs until the queue stays empty, then exit (the Container Apps job layout)")
    .argument("[file]", "handlers file (default: handlers.ts, then handlers.js)")
    .option("--idle <seconds>", "exit after this long with nothing to do", "10")
    .option(
      "--max-runtime <seconds>",
      "stop taking jobs in time to finish within this (the job's replica timeout)",
    )
    .action(async (file: string | undefined, opts: { idle: string; maxRuntime?: string }) => {
      const idleMs = seconds(opts.idle, "--idle") * 1000;
      const setup = await setupService({ file, role: "worker" });
      const storage = await connectStorage(setup.config, setup.log);
      const started = Date.now();
      // Stop taking work once a job started now could overrun the execution's time limit.
      const lastStart =
        opts.maxRuntime === undefined
          ? Number.POSITIVE_INFINITY
          : started + seconds(opts.maxRuntime, "--max-runtime") * 1000 - setup.config.jobTimeoutMs - 30_000;
      const worker = startWorker({ ...setup, storage });
      let lastBusy = Date.now();
      let closing: Promise<void> | undefined;
      const close = (reason: string) => {
        closing ??= (async () => {
          setup.log.info({ reason }, "drain: stopping");
          await worker.close();
          setup.log.info({}, "drain: done");
        })();
        return closing;
      };
      onShutdownSignal(() => close("signal"));
      while (!closing) {
        await new Promise((r) => setTimeout(r, CHECK_MS));
        if (worker.running > 0) lastBusy = Date.now();
        else if (Date.now() - lastBusy >= idleMs) await close("queue empty");
        if (Date.now() >= lastStart) await close("time limit near");
      }
      await closing;
      process.exit(0);
    });
}

function seconds(raw: string, option: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${option} must be a number of seconds above 0.`);
  return n;
}
