// azure/: the files a deployment keeps in the project (template, parameters, the names it used).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DeployInputError } from "./errors.js";
import type { WorkerLayout } from "./template/apps.js";

export const AZURE_DIR = "azure";
export const TEMPLATE_FILE = path.join(AZURE_DIR, "main.json");
export const PARAMETERS_FILE = path.join(AZURE_DIR, "main.parameters.json");
export const STATE_FILE = path.join(AZURE_DIR, "praisonai-svc.json");

/** What the last deployment used; read by the next deploy (same names) and by `logs`. No secrets. */
export interface DeployState {
  app: string;
  resourceGroup: string;
  location: string;
  registry: string;
  registryResourceGroup: string;
  storageAccount: string;
  layout: WorkerLayout;
  corsOrigins: string[];
  /** The `--env NAME=value` settings given. */
  env: string[];
  /** The `--alert-email` address, if any. */
  alertEmail?: string;
  image?: string;
  url?: string;
}

export function readState(dir: string): Partial<DeployState> {
  const file = path.join(dir, STATE_FILE);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Partial<DeployState>;
  } catch (error) {
    throw new DeployInputError(`${file} is not valid JSON (${(error as Error).message}): fix or delete it.`);
  }
}

export function writeState(dir: string, state: DeployState): void {
  writeJson(dir, STATE_FILE, state);
}

/** Writes a JSON file under the project; returns false when it already had exactly this content. */
export function writeJson(dir: string, file: string, value: unknown): boolean {
  const full = path.join(dir, file);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (existsSync(full) && readFileSync(full, "utf8") === text) return false;
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  return true;
}

/** The project's package name without its scope: the default app name. */
export function projectName(dir: string): string | undefined {
  const file = path.join(dir, "package.json");
  if (!existsSync(file)) return undefined;
  const name = (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name;
  return typeof name === "string" ? name.replace(/^@[^/]+\//, "") : undefined;
}
