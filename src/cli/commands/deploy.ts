// `praisonai-svc deploy azure`: builds the image in the cloud and deploys the template to Azure Container Apps.
import path from "node:path";
import type { Command } from "commander";
import { deployAzure } from "../../deploy/deploy.js";
import { DEFAULT_LOCATION, type DeployOptions } from "../../deploy/plan.js";
import { CliError } from "../errors.js";

type Flags = DeployOptions & { dir: string; dryRun?: boolean; verbose?: boolean };

const collect = (value: string, previous: string[]) => [...previous, value];

export function deployCommand(program: Command): void {
  program
    .command("deploy")
    .description("deploy the service: `praisonai-svc deploy azure` (Azure Container Apps, with the az CLI)")
    .argument("<target>", "where to deploy: azure")
    .option("-g, --resource-group <name>", "resource group (default: <name>-rg)")
    .option("-l, --location <region>", `Azure region (default: ${DEFAULT_LOCATION})`)
    .option("-n, --name <name>", "Container App name (default: the package.json name)")
    .option(
      "--registry <name>",
      "Azure Container Registry to build in (default: derived, created if missing)",
    )
    .option("--storage-account <name>", "Storage account name (default: derived, created by the template)")
    .option("--cors-origins <origins>", "comma-separated browser origins allowed to call the API")
    .option(
      "--api-keys <keys>",
      "comma-separated API keys (default: $PRAISONAI_SVC_API_KEYS, else kept or generated)",
    )
    .option("--env <NAME=value>", "a service setting for the containers (repeatable)", collect, [])
    .option("--worker-layout <layout>", "single (one app, two containers), separate-app, or job", undefined)
    .option("--alert-email <address>", "e-mail the alert rules notify (default: none; remembered)")
    .option("--dir <dir>", "project folder", ".")
    .option("--dry-run", "write the template and print every az command without changing Azure")
    .option("--verbose", "show every az command as it runs")
    .action(async (target: string, flags: Flags) => {
      if (target !== "azure") {
        throw new CliError(`Unknown deploy target "${target}": the only target is \`azure\`.`);
      }
      await deployAzure({
        ...flags,
        dir: path.resolve(flags.dir),
        live: process.stderr.isTTY,
      });
    });
}
