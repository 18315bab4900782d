// The two containers (api, worker) of the service, their secrets and how they pull the image.
import { API_PORT } from "../../scaffold/dockerfile.js";
import { API_KEYS_SECRET } from "../api-keys.js";
import { API, expr, type Json, param, REGISTRY_ID, STORAGE_CONNECTION } from "./arm.js";
import { INSIGHTS_CONNECTION } from "./monitoring.js";

/** Each container gets 1 vCPU and 2 GiB, fixed: enough for a generator, and a predictable cost. */
export const CONTAINER_CPU = 1;
export const CONTAINER_MEMORY = "2Gi";

export type Role = "api" | "worker";

export interface EnvVar {
  name: string;
  value: string;
}

/** Secrets of an app or job: connection strings computed inside Azure, the API keys from a secure parameter. */
export function secrets(role: Role | "both"): Json[] {
  const list: Json[] = [
    { name: "storage-conn", value: STORAGE_CONNECTION },
    { name: "table-conn", value: STORAGE_CONNECTION },
    { name: "queue-conn", value: STORAGE_CONNECTION },
    { name: "appinsights-conn", value: INSIGHTS_CONNECTION },
    {
      name: "registry-password",
      value: expr(`listCredentials(${REGISTRY_ID}, '${API.registry}').passwords[0].value`),
    },
  ];
  if (role !== "worker") list.push({ name: API_KEYS_SECRET, value: expr(param("apiKeys")) });
  return list;
}

export function registries(): Json[] {
  return [
    {
      server: expr(`reference(${REGISTRY_ID}, '${API.registry}').loginServer`),
      username: expr(`listCredentials(${REGISTRY_ID}, '${API.registry}').username`),
      passwordSecretRef: "registry-password",
    },
  ];
}

const SECRET_ENV: [string, string][] = [
  ["AZURE_STORAGE_CONNECTION_STRING", "storage-conn"],
  ["AZURE_TABLE_CONN_STRING", "table-conn"],
  ["AZURE_QUEUE_CONN_STRING", "queue-conn"],
  ["APPLICATIONINSIGHTS_CONNECTION_STRING", "appinsights-conn"],
];

/**
 * One container. `settings` are plain (non-secret) environment values; every secret is a secretRef.
 * `command` overrides the image's CMD (e.g. the job layout's `praisonai-svc drain`). Commands name no handlers
 * file: the image's PRAISONAI_SVC_HANDLERS does (the compiled dist/handlers.mjs; unset in a Python image).
 */
export function container(role: Role, settings: EnvVar[], command?: string[]): Json {
  const env: Json[] = [
    ...SECRET_ENV.map(([name, secretRef]) => ({ name, secretRef })),
    ...(role === "api" ? [{ name: "PRAISONAI_SVC_API_KEYS", secretRef: API_KEYS_SECRET }] : []),
    ...settings.map((s) => ({ name: s.name, value: s.value })),
  ];
  const base: { [key: string]: Json } = {
    name: role,
    image: expr(param("image")),
    command: command ?? ["praisonai-svc", role],
    resources: { cpu: CONTAINER_CPU, memory: CONTAINER_MEMORY },
    env,
  };
  if (role === "api") {
    base.probes = [
      { type: "Liveness", httpGet: { path: "/health", port: API_PORT }, periodSeconds: 30 },
      { type: "Readiness", httpGet: { path: "/health", port: API_PORT }, periodSeconds: 10 },
    ];
  }
  return base;
}
