// The CLI entry point: registers one command per file; only this file prints errors and sets the exit code.
import { Command, CommanderError } from "commander";
import { PraisonError } from "../errors.js";
import { ownVersion } from "../own-package.js";
import { endOnClosedOutput } from "./closed-output.js";
import { apiCommand } from "./commands/api.js";
import { buildCommand } from "./commands/build.js";
import { deployCommand } from "./commands/deploy.js";
import { drainCommand } from "./commands/drain.js";
import { logsCommand } from "./commands/logs.js";
import { newCommand } from "./commands/new.js";
import { runCommand } from "./commands/run.js";
import { statusCommand } from "./commands/status.js";
import { workerCommand } from "./commands/worker.js";

export function buildProgram(): Command {
  const program = new Command("praisonai-svc")
    .description("Turn one handlers file into a job service on Azure Storage (Queue, Table, Blob)")
    .version(ownVersion())
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    runCommand,
    apiCommand,
    workerCommand,
    newCommand,
    buildCommand,
    deployCommand,
    logsCommand,
    drainCommand,
    statusCommand,
  ])
    register(program);
  return program;
}

/**
 * Runs one command and ends the process when it returns (a long-running command returns once it has
 * stopped): with its exit code, or 1 after printing its error. Every error the framework knows is a
 * PraisonError and prints as one line saying what to do; anything else is a bug and prints its stack.
 */
export async function main(argv: string[]): Promise<never> {
  endOnClosedOutput();
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof PraisonError) {
      process.stderr.write(`praisonai-svc: ${error.message}\n`);
    } else {
      process.stderr.write(`praisonai-svc: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
  // Also ends what a stopped command may leave behind (idle keep-alive sockets of the storage clients).
  process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
}
