// Reads and validates the service configuration once, at startup.
import { ConfigError } from "../errors.js";
import { checkCallbackUrl } from "../security/callback-policy.js";
import { SETTINGS, type SettingValues } from "./settings.js";

/** Connection strings per storage service; undefined where none is configured. */
export interface Connections {
  table?: string;
  queue?: string;
  blob?: string;
}

export interface ServiceConfig extends SettingValues {
  connections: Connections;
}

type Env = Record<string, string | undefined>;

/** The variables connections are read from: the account's, then a per-service override of each. */
export const CONNECTION_VARS = [
  "AZURE_STORAGE_CONNECTION_STRING",
  "AZURE_TABLE_CONN_STRING",
  "AZURE_QUEUE_CONN_STRING",
  "AZURE_BLOB_CONN_STRING",
] as const;

/** Connection strings: AZURE_STORAGE_CONNECTION_STRING, each overridden by a per-service variable. */
export function readConnections(env: Env): Connections {
  const main = nonEmpty(env.AZURE_STORAGE_CONNECTION_STRING);
  return {
    table: nonEmpty(env.AZURE_TABLE_CONN_STRING) ?? main,
    queue: nonEmpty(env.AZURE_QUEUE_CONN_STRING) ?? main,
    blob: nonEmpty(env.AZURE_BLOB_CONN_STRING) ?? main,
  };
}

export function hasConnections(c: Connections): c is Required<Connections> {
  return Boolean(c.table && c.queue && c.blob);
}

/** The connection strings, or a ConfigError that says how to get them. */
export function requireConnections(c: Connections): Required<Connections> {
  if (hasConnections(c)) return c;
  throw new ConfigError(
    "No storage connection: set AZURE_STORAGE_CONNECTION_STRING, or use `praisonai-svc run`, which starts local storage.",
  );
}

/**
 * Parses every setting; the first bad value throws a ConfigError naming its variable. The result is
 * frozen: what was validated is what runs (a different setting means loading a new configuration).
 */
export function loadConfig(env: Env = process.env): Readonly<ServiceConfig> {
  const values: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SETTINGS)) {
    const raw = env[s.env];
    values[key] = s.parse(raw === undefined || raw === "" ? s.default : raw, s.env);
  }
  const config = { ...(values as SettingValues), connections: Object.freeze(readConnections(env)) };
  if (config.pollMinMs > config.pollMaxMs) {
    throw new ConfigError(
      `PRAISONAI_SVC_POLL_MIN (${config.pollMinMs / 1000}s) is larger than PRAISONAI_SVC_POLL_MAX (${config.pollMaxMs / 1000}s).`,
    );
  }
  checkCallbacks(config);
  return Object.freeze(config);
}

/** Callbacks need both a host list and a secret, and the default URL must be on the list. */
function checkCallbacks(config: SettingValues): void {
  if (config.callbackHosts.length > 0 && !config.callbackSecret) {
    throw new ConfigError(
      "PRAISONAI_SVC_CALLBACK_HOSTS is set but PRAISONAI_SVC_CALLBACK_SECRET is not: callbacks must be signed. Set a secret (`echo whsec_$(openssl rand -base64 32)`).",
    );
  }
  if (config.callbackUrl === "") return;
  const check = checkCallbackUrl(config.callbackUrl, config.callbackHosts);
  if (!("url" in check)) {
    throw new ConfigError(
      `PRAISONAI_SVC_CALLBACK_URL is not valid: ${check.reason.replace("callback_url ", "")}`,
    );
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v && v.trim() !== "" ? v.trim() : undefined;
}
