// `praisonai-svc logs`: the az command that shows a deployed container's logs, streamed to the terminal.
import { Az } from "./az.js";
import { AzExtensionMissingError, DeployInputError } from "./errors.js";
import { readState, STATE_FILE } from "./state.js";
import { WORKER_SUFFIX, type WorkerLayout } from "./template/apps.js";

export interface LogsOptions {
  dir: string;
  worker?: boolean;
  follow?: boolean;
  /** Past lines to show first (az allows 0-300). @default 50 */
  tail?: number;
  name?: string;
  resourceGroup?: string;
}

/** The `az` arguments for the API's or the worker's log stream in each worker layout. */
export function logsArgs(o: {
  app: string;
  resourceGroup: string;
  layout: WorkerLayout;
  worker?: boolean;
  follow?: boolean;
  tail: number;
}): string[] {
  const role = o.worker ? "worker" : "api";
  const onOwnResource = o.worker && o.layout !== "single";
  const name = onOwnResource ? `${o.app}${WORKER_SUFFIX}` : o.app;
  const group =
    o.worker && o.layout === "job"
      ? ["containerapp", "job", "logs", "show"]
      : ["containerapp", "logs", "show"];
  return [
    ...group,
    "--name",
    name,
    "--resource-group",
    o.resourceGroup,
    "--container",
    role,
    "--format",
    "text",
    "--tail",
    String(o.tail),
    ...(o.follow ? ["--follow"] : []),
  ];
}

export async function showLogs(opts: LogsOptions): Promise<number> {
  const state = readState(opts.dir);
  const app = opts.name ?? state.app;
  const resourceGroup = opts.resourceGroup ?? state.resourceGroup;
  if (!app || !resourceGroup) {
    throw new DeployInputError(
      `No deployment recorded in ${STATE_FILE}: run \`praisonai-svc deploy azure\` first, ` +
        "or pass --name <app> and --resource-group <group>.",
    );
  }
  const tail = opts.tail ?? 50;
  if (!Number.isInteger(tail) || tail < 0 || tail > 300) {
    throw new DeployInputError("--tail must be a whole number from 0 to 300.");
  }
  const az = new Az();
  await az.read(["account", "show"]); // a clear message when az is missing or signed out
  const layout = state.layout ?? "single";
  if (opts.worker && layout === "job") await requireExtension(az, "containerapp");
  const args = logsArgs({
    app,
    resourceGroup,
    layout,
    worker: opts.worker,
    follow: opts.follow,
    tail,
  });
  return az.stream(args, { hint: "Is the app deployed? `praisonai-svc deploy azure`" });
}

/**
 * `az containerapp job logs show` exists only in the Azure CLI's containerapp extension; without it az
 * answers "misspelled or not recognized" (or prompts to install it), so ask first and say what to run.
 */
async function requireExtension(az: Az, name: string): Promise<void> {
  const versions = await az.read<string[]>(["extension", "list", "--query", `[?name=='${name}'].version`]);
  if (versions && versions.length > 0) return;
  throw new AzExtensionMissingError(
    name,
    "The worker's logs in the job layout (`az containerapp job logs show`)",
  );
}
