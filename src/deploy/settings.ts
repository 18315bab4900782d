// The service settings a deployment sets in its containers, validated with the same table the service reads.
import { SETTINGS, type Setting } from "../config/settings.js";
import { DeployInputError } from "./errors.js";
import type { EnvVar } from "./template/containers.js";
import type { StorageNames } from "./template/storage.js";

/**
 * Azure's termination grace period: the longest a replica gets between SIGTERM and SIGKILL.
 * Documented as at most 600 s for Container Apps (not checkable here without Azure).
 */
export const MAX_TERMINATION_GRACE_SECONDS = 600;
/** Time after the worker's own grace to hand running jobs back to the queue and exit. */
export const RELEASE_MARGIN_SECONDS = 30;

/** Variables the deployment sets itself, or that would contradict it. */
const RESERVED: Record<string, string> = {
  PORT: "the image listens on 8080, where the ingress sends traffic",
  HOST: "the API must listen on all interfaces inside the container",
  PRAISONAI_SVC_API_KEYS: "pass the keys with --api-keys: they are stored as a Container App secret",
  PRAISONAI_SVC_CORS_ORIGINS:
    "pass the origins with --cors-origins: CORS is answered by the Container Apps ingress",
};

const byEnv = (env: string): Setting<unknown> | undefined =>
  Object.values(SETTINGS).find((s) => s.env === env) as Setting<unknown> | undefined;

export interface DeploySettings {
  env: EnvVar[];
  /** PRAISONAI_SVC_SHUTDOWN_GRACE the worker gets, in seconds. */
  workerGraceSeconds: number;
  /** Seconds between SIGTERM and SIGKILL for worker replicas. */
  terminationGraceSeconds: number;
  jobTimeoutSeconds: number;
  /** The queue, tables and container the service will use: the template creates these, not the defaults. */
  storage: StorageNames;
  /** PRAISONAI_SVC_RETENTION_DAYS: the lifecycle rule deletes result blobs after as many days. */
  retentionDays: number;
}

/** Parses `--env NAME=value` entries; each is checked by its setting's own parser (errors name the variable). */
export function deploySettings(entries: string[]): DeploySettings {
  const values = new Map<string, string>();
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    const name = eq > 0 ? entry.slice(0, eq).trim() : "";
    if (!name) throw new DeployInputError(`--env "${entry}" is not NAME=value.`);
    if (RESERVED[name]) throw new DeployInputError(`--env ${name} cannot be set: ${RESERVED[name]}.`);
    const setting = byEnv(name);
    if (!setting) {
      const known = Object.values(SETTINGS)
        .map((s) => s.env)
        .filter((e) => !RESERVED[e]);
      throw new DeployInputError(
        `--env ${name} is not a praisonai-svc setting. Settings: ${known.join(", ")}.`,
      );
    }
    setting.parse(entry.slice(eq + 1), name);
    values.set(name, entry.slice(eq + 1).trim());
  }
  const seconds = (s: Setting<unknown>): number =>
    (s.parse(values.get(s.env) ?? s.default, s.env) as number) / 1000;
  const jobTimeoutSeconds = seconds(SETTINGS.jobTimeoutMs);
  const maxWorkerGrace = MAX_TERMINATION_GRACE_SECONDS - RELEASE_MARGIN_SECONDS;
  const graceEnv = SETTINGS.shutdownGraceMs.env;
  let workerGraceSeconds: number;
  if (values.has(graceEnv)) {
    workerGraceSeconds = seconds(SETTINGS.shutdownGraceMs);
    if (workerGraceSeconds > maxWorkerGrace) {
      throw new DeployInputError(
        `--env ${graceEnv}=${workerGraceSeconds} is too long: Azure stops a replica at most ` +
          `${MAX_TERMINATION_GRACE_SECONDS} s after SIGTERM, so use at most ${maxWorkerGrace}.`,
      );
    }
  } else {
    // Let a running job finish if it can within Azure's limit; past that it is handed back, never lost.
    workerGraceSeconds = Math.min(Math.ceil(jobTimeoutSeconds), maxWorkerGrace);
    values.set(graceEnv, String(workerGraceSeconds));
  }
  // The Container Apps ingress is one proxy that appends the client's address to X-Forwarded-For:
  // without trusting it, every client would share the ingress's address and one rate limit.
  if (!values.has(SETTINGS.trustProxy.env)) values.set(SETTINGS.trustProxy.env, "true");
  const name = (s: Setting<string>): string => s.parse(values.get(s.env) ?? s.default, s.env);
  return {
    env: [...values].map(([name, value]) => ({ name, value })).sort((a, b) => a.name.localeCompare(b.name)),
    workerGraceSeconds,
    terminationGraceSeconds: Math.ceil(workerGraceSeconds) + RELEASE_MARGIN_SECONDS,
    jobTimeoutSeconds,
    retentionDays: SETTINGS.retentionDays.parse(
      values.get(SETTINGS.retentionDays.env) ?? SETTINGS.retentionDays.default,
      SETTINGS.retentionDays.env,
    ),
    storage: {
      table: name(SETTINGS.table),
      queue: name(SETTINGS.queue),
      poisonQueue: name(SETTINGS.poisonQueue),
      container: name(SETTINGS.container),
    },
  };
}
