// `praisonai-svc logs [--worker] [--follow]`: tails the deployed Container App's logs through `az containerapp logs show`.
import path from "node:path";
import type { Command } from "commander";
import { showLogs } from "../../deploy/logs.js";

export function logsCommand(program: Command): void {
  program
    .command("logs")
    .description("show the deployed service's logs (the API's; --worker for the worker's)")
    .option("--worker", "the worker's logs instead of the API's")
    .option("-f, --follow", "keep printing new lines as they come")
    .option("--tail <lines>", "past lines to show first (0-300)", "50")
    .option("-n, --name <name>", "Container App name (default: from azure/praisonai-svc.json)")
    .option("-g, --resource-group <name>", "resource group (default: from azure/praisonai-svc.json)")
    .option("--dir <dir>", "project folder", ".")
    .action(
      async (opts: {
        worker?: boolean;
        follow?: boolean;
        tail: string;
        name?: string;
        resourceGroup?: string;
        dir: string;
      }) => {
        const code = await showLogs({ ...opts, dir: path.resolve(opts.dir), tail: Number(opts.tail) });
        process.exitCode = code;
      },
    );
}
