// Generates .env.example from the settings table, so the documented settings are exactly the ones read.
import { SETTINGS } from "../config/settings.js";

/** Connection variables (read by config.ts's readConnections, not by the SETTINGS table). */
export const CONNECTION_VARIABLES = [
  {
    env: "AZURE_STORAGE_CONNECTION_STRING",
    doc: "Azure Storage account for the jobs table, the queues and the blobs. Unset for `praisonai-svc run`: local storage (Azurite).",
  },
  { env: "AZURE_TABLE_CONN_STRING", doc: "Overrides the connection string for Table Storage only." },
  { env: "AZURE_QUEUE_CONN_STRING", doc: "Overrides the connection string for Queue Storage only." },
  { env: "AZURE_BLOB_CONN_STRING", doc: "Overrides the connection string for Blob Storage only." },
] as const;

/** The text of .env.example: every setting, commented out at its default. */
export function envExample(): string {
  const lines = [
    "# Settings of this service. Every one is an environment variable; the defaults below work locally.",
    "# Copy this file to .env, uncomment what you change, and start with:",
    "#   node --env-file=.env node_modules/.bin/praisonai-svc run",
    "# Never commit .env: connection strings and API keys are secrets.",
    "",
    "## Storage",
  ];
  for (const v of CONNECTION_VARIABLES) lines.push(...entry(v.env, "", v.doc));
  lines.push("", "## Service");
  for (const s of Object.values(SETTINGS)) lines.push(...entry(s.env, s.default, s.doc));
  return `${lines.join("\n")}\n`;
}

function entry(env: string, value: string, doc: string): string[] {
  return [`# ${doc}`, `# ${env}=${value}`];
}
