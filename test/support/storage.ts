// Test storage: the shared Azurite with table, queue and container names unique to the caller.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { loadConfig, type ServiceConfig } from "../../src/config/config.js";
import { createAzureStorage, initStorage } from "../../src/storage/azure/index.js";
import type { Storage } from "../../src/storage/types.js";

export const azuriteConnectionString = (): string => inject("azurite").connectionString;

/** Environment variables naming fresh resources on the shared Azurite, plus any overrides. */
export function isolatedEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const id = randomBytes(5).toString("hex");
  return {
    AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(),
    PRAISONAI_SVC_TABLE: `t${id}`,
    PRAISONAI_SVC_QUEUE: `q-${id}`,
    PRAISONAI_SVC_POISON_QUEUE: `q-${id}-poison`,
    PRAISONAI_SVC_CONTAINER: `c-${id}`,
    PRAISONAI_SVC_LOG_LEVEL: "warn",
    // Rate limits count per client IP, and every test client is 127.0.0.1: each test gets its own
    // counter table, and limits high enough for functional tests (the security tests set their own).
    PRAISONAI_SVC_RATE_TABLE: `r${id}`,
    PRAISONAI_SVC_RATE_LIMIT: "100000",
    PRAISONAI_SVC_READ_RATE_LIMIT: "100000",
    ...overrides,
  };
}

export async function isolatedStorage(
  overrides: Record<string, string> = {},
): Promise<{ env: Record<string, string>; config: ServiceConfig; storage: Storage }> {
  const env = isolatedEnv(overrides);
  const config = loadConfig(env);
  const storage = createAzureStorage(config);
  await initStorage(storage);
  return { env, config, storage };
}
