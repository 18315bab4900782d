// The API keys of a deployment: given, kept from the running app, or generated once; passed to Azure in a
// temporary file that only the current user can read, never on the command line or in the project.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DeployInputError } from "./errors.js";

const KEY = /^[A-Za-z0-9._~+/=-]{16,256}$/;

export type KeySource = "given" | "kept" | "generated";

export function parseApiKeys(raw: string): string {
  const keys = raw
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0 || keys.some((k) => !KEY.test(k))) {
    throw new DeployInputError(
      "--api-keys must be one or more comma-separated keys of 16-256 letters, digits or ._~+/=- " +
        "(generate one with `openssl rand -base64 32`).",
    );
  }
  return keys.join(",");
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
