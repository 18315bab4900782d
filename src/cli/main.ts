// The CLI entry point: registers one command per file; only this file prints errors and sets the exit code.
import { Command, CommanderError } from "commander";
import { PraisonError } from "../errors.js";
import { ownVersion } from "../own-package.js";
import { apiCommand } from "./commands/api.js";
import { deployCommand } from "./commands/deploy.js";
import { drainCommand } from "./commands/drain.js";
import { logsCommand } from "./commands/logs.js";
import { newCommand } from "./commands/new.js";
import { runCommand } from "./commands/run.js";
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
    deployCommand,
    logsCommand,
    drainCommand,
  ])
    register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
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
}
