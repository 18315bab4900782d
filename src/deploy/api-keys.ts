// The API keys of a deployment: given, kept from the running app, or generated once; passed to Azure in a
// temporary file that only the current user can read, never on the command line or in the project.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { parseApiKeys as parseServiceApiKeys } from "../security/api-keys.js";
import type { Az } from "./az.js";
import { DeployInputError } from "./errors.js";

export type KeySource = "given" | "kept" | "generated";

/**
 * Checks `--api-keys` with the service's own parser, so a deployment accepts exactly what the
 * service will (including `name:key` entries, which rotation and the `admin` key rely on).
 */
export function parseApiKeys(raw: string): string {
  try {
    if (parseServiceApiKeys(raw, "--api-keys").length === 0)
      throw new ConfigError("--api-keys names no key.");
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new DeployInputError(error.message);
  }
  return raw
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean)
    .join(",");
}

export function generateApiKey(): string {
  return randomBytes(32).toString("base64url");
}

/** Writes `{ apiKeys }` as an ARM parameters file; the returned cleanup deletes it. */
export function secretParametersFile(apiKeys: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "praisonai-svc-"));
  const file = path.join(dir, "secrets.parameters.json");
  writeFileSync(file, JSON.stringify({ parameters: { apiKeys: { value: apiKeys } } }), { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The Container App secret holding the keys (read by the api container as PRAISONAI_SVC_API_KEYS). */
export const API_KEYS_SECRET = "api-keys";

/**
 * The running app's API keys, or undefined when there is no such app or it has no such secret. Listed
 * first: `az containerapp secret show` answers a missing secret with exit 1 and only an error text
 * ("does not have a secret assigned"), while a missing app is exit 3 (not found) for both commands.
 */
export async function runningApiKeys(
  az: Az,
  app: string,
  resourceGroup: string,
): Promise<string | undefined> {
  const where = ["--name", app, "--resource-group", resourceGroup];
  const listed = await az.read<{ name: string }[]>(["containerapp", "secret", "list", ...where], {
    notFoundOk: true,
  });
  if (!listed?.some((s) => s.name === API_KEYS_SECRET)) return undefined;
  const secret = await az.read<{ value?: string }>([
    "containerapp",
    "secret",
    "show",
    ...where,
    "--secret-name",
    API_KEYS_SECRET,
  ]);
  return secret?.value;
}
