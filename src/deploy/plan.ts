// Turns `deploy azure` options into a checked plan before any Azure call: a bad option fails in milliseconds.
import { ConfigError } from "../errors.js";
import { parseOrigins } from "../security/cors-policy.js";
import { parseApiKeys } from "./api-keys.js";
import { DeployInputError } from "./errors.js";
import { checkName, normalizeLocation } from "./names.js";
import { type DeploySettings, deploySettings } from "./settings.js";
import { projectName, readState } from "./state.js";
import { MAX_APP_NAME, WORKER_LAYOUTS, WORKER_SUFFIX, type WorkerLayout } from "./template/apps.js";

/** The region the costs in docs/deploy.md are priced for; a user elsewhere passes --location. */
export const DEFAULT_LOCATION = "uksouth";

export interface DeployOptions {
  /** The project folder (handlers.ts, Dockerfile, package-lock.json). */
  dir: string;
  resourceGroup?: string;
  location?: string;
  name?: string;
  registry?: string;
  storageAccount?: string;
  /** Comma-separated browser origins. */
  corsOrigins?: string;
  /** Comma-separated API keys; default: $PRAISONAI_SVC_API_KEYS, else kept or generated. */
  apiKeys?: string;
  /** `NAME=value` service settings for the containers. */
  env?: string[];
  workerLayout?: string;
  /** Where the alert rules send e-mail; "" turns a remembered address off. */
  alertEmail?: string;
}

export interface Plan {
  dir: string;
  app: string;
  resourceGroup: string;
  location: string;
  /** --location was given: an existing resource group elsewhere is then an error, not a region to follow. */
  locationGiven: boolean;
  /** Explicit or remembered names; undefined: derived once the subscription is known. */
  registry?: string;
  storageAccount?: string;
  layout: WorkerLayout;
  corsOrigins: string[];
  apiKeys?: string;
  /** The `NAME=value` entries the settings came from (remembered for the next deploy). */
  envEntries: string[];
  settings: DeploySettings;
  /** The address the alert rules e-mail; undefined: the rules notify no one. */
  alertEmail?: string;
}

export function resolvePlan(opts: DeployOptions, env: NodeJS.ProcessEnv = process.env): Plan {
  const state = readState(opts.dir);
  const app = opts.name ?? state.app ?? projectName(opts.dir);
  if (!app) {
    throw new DeployInputError(`No package.json with a name in ${opts.dir}: pass --name <app name>.`);
  }
  checkName("app", app);
  const resourceGroup = checkName("resourceGroup", opts.resourceGroup ?? state.resourceGroup ?? `${app}-rg`);
  const location = checkName(
    "location",
    normalizeLocation(opts.location ?? state.location ?? DEFAULT_LOCATION),
  );
  const layout = (opts.workerLayout ?? state.layout ?? "single") as WorkerLayout;
  if (!WORKER_LAYOUTS.includes(layout)) {
    throw new DeployInputError(`--worker-layout "${layout}" is not one of ${WORKER_LAYOUTS.join(", ")}.`);
  }
  checkWorkerName(app, layout);
  const registry = opts.registry ?? state.registry;
  const storageAccount = opts.storageAccount ?? state.storageAccount;
  if (registry) checkName("registry", registry);
  if (storageAccount) checkName("storageAccount", storageAccount);
  const rawKeys = opts.apiKeys ?? env.PRAISONAI_SVC_API_KEYS;
  return {
    dir: opts.dir,
    app,
    resourceGroup,
    location,
    locationGiven: opts.location !== undefined,
    registry,
    storageAccount,
    layout,
    corsOrigins:
      opts.corsOrigins !== undefined ? parseCorsOrigins(opts.corsOrigins) : (state.corsOrigins ?? []),
    apiKeys: rawKeys ? parseApiKeys(rawKeys) : undefined,
    envEntries: opts.env ?? state.env ?? [],
    settings: deploySettings(opts.env ?? state.env ?? []),
    alertEmail: parseAlertEmail(opts.alertEmail ?? state.alertEmail ?? ""),
  };
}

/** One plain address (an action group e-mail receiver); empty: none. */
function parseAlertEmail(raw: string): string | undefined {
  const email = raw.trim();
  if (email === "") return undefined;
  if (email.length > 254 || !/^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/.test(email)) {
    throw new DeployInputError(
      `--alert-email "${email}" is not an e-mail address: pass one address, such as ops@example.com.`,
    );
  }
  return email;
}

/** The separate-app and job layouts also create `<app>-worker`, which must fit the same 32 characters. */
function checkWorkerName(app: string, layout: WorkerLayout): void {
  const worker = `${app}${WORKER_SUFFIX}`;
  if (layout === "single" || worker.length <= MAX_APP_NAME) return;
  throw new DeployInputError(
    `--name "${app}" is too long for the ${layout} layout: it also creates "${worker}" (${worker.length} ` +
      `characters), and Container Apps names have at most ${MAX_APP_NAME}. Use a name of at most ` +
      `${MAX_APP_NAME - WORKER_SUFFIX.length} characters (--name), or --worker-layout single.`,
  );
}

/** `--cors-origins`, checked by the service's own rule: exactly the origins the service itself would accept. */
function parseCorsOrigins(raw: string): string[] {
  try {
    return parseOrigins(raw, "--cors-origins");
  } catch (error) {
    if (error instanceof ConfigError) throw new DeployInputError(error.message);
    throw error;
  }
}
