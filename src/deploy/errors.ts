// Deployment errors: each one says what went wrong and what to do next. The CLI prints the message alone.
import { PraisonError } from "../errors.js";

export const INSTALL_AZ_URL = "https://learn.microsoft.com/cli/azure/install-azure-cli";

/** `az` is not on PATH. */
export class AzMissingError extends PraisonError {
  constructor() {
    super(
      "AZ_MISSING",
      `The Azure CLI (az) is not installed or not on PATH. Install it (${INSTALL_AZ_URL}), ` +
        "run `az login`, then run this command again.",
    );
  }
}

/** `az` has no signed-in account (or its token expired). */
export class AzNotLoggedInError extends PraisonError {
  constructor() {
    super(
      "AZ_NOT_LOGGED_IN",
      "You are not logged in to Azure: run `az login` (and `az account set --subscription <id>` to pick " +
        "a subscription), then run this command again.",
    );
  }
}

/** A command needs an Azure CLI extension that is not installed. */
export class AzExtensionMissingError extends PraisonError {
  constructor(extension: string, needed: string) {
    super(
      "AZ_EXTENSION_MISSING",
      `${needed} needs the Azure CLI's ${extension} extension, which is not installed: ` +
        `run \`az extension add --name ${extension}\`, then run this command again.`,
    );
  }
}

/** A globally unique name (storage account, registry) belongs to someone else. */
export class NameTakenError extends PraisonError {
  constructor(kind: string, name: string, option: string, rule: string) {
    super(
      "AZ_NAME_TAKEN",
      `The ${kind} name "${name}" is already taken (these names are unique across all of Azure). ` +
        `Choose another with ${option} <name> (${rule}).`,
    );
  }
}

/** The chosen region does not offer Azure Container Apps. */
export class RegionUnavailableError extends PraisonError {
  constructor(location: string, available: string[]) {
    const some = available.slice(0, 8).join(", ");
    super(
      "AZ_REGION_UNAVAILABLE",
      `Azure Container Apps is not available in "${location}". Pick a region that has it with ` +
        `--location <region>, e.g. ${some}${available.length > 8 ? ", …" : ""}.`,
    );
  }
}

/** Any other failed `az` command: the command (secrets masked) and the CLI's own error. */
export class AzCommandError extends PraisonError {
  readonly exitCode: number;
  readonly stderr: string;
  constructor(command: string, exitCode: number, stderr: string, hint?: string) {
    const detail = stderr.trim().split("\n").slice(-6).join("\n") || `exit code ${exitCode}`;
    super("AZ_FAILED", `\`${command}\` failed:\n${detail}${hint ? `\n${hint}` : ""}`);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** The project is not ready to deploy (no package-lock.json, bad option...). */
export class DeployInputError extends PraisonError {
  constructor(message: string) {
    super("DEPLOY_INPUT", message);
  }
}
