// The Container App(s) for each worker layout: one app with two containers (default), two apps, or app + job.

import { API_PORT } from "../../scaffold/dockerfile.js";
import {
  CORS_ALLOWED_HEADERS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_S,
  CORS_METHODS,
} from "../../security/cors-policy.js";
import {
  API,
  appNamed,
  ENVIRONMENT_ID,
  expr,
  INSIGHTS_ID,
  type Json,
  param,
  type Resource,
  STORAGE_ID,
} from "./arm.js";
import { container, type EnvVar, registries, secrets } from "./containers.js";
import { STORAGE_NAMES, type StorageNames } from "./storage.js";

export type WorkerLayout = "single" | "separate-app" | "job";
export const WORKER_LAYOUTS: WorkerLayout[] = ["single", "separate-app", "job"];
/** The worker's own app or job in the separate-app and job layouts is `<app>-worker`. */
export const WORKER_SUFFIX = "-worker";
/** Container Apps and Container Apps jobs: 2-32 characters. */
export const MAX_APP_NAME = 32;

/** Scale to zero when idle; at most 3 replicas (a hard cost cap); a replica per 20 concurrent requests or 10 queued messages. */
export const SCALE = { minReplicas: 0, maxReplicas: 3, concurrentRequests: 20, queueLength: 10 } as const;
/** Grace an API replica gets on scale-in: longer than the 30 s request timeout. */
export const API_TERMINATION_GRACE_SECONDS = 45;

export interface AppsInput {
  layout: WorkerLayout;
  /** Plain environment values for both roles. */
  settings: EnvVar[];
  /** Worker replicas: seconds between SIGTERM and SIGKILL (fits the job timeout, see plan.ts). */
  workerTerminationGraceSeconds: number;
  /** Job layout: the longest one execution may run. */
  jobReplicaTimeoutSeconds: number;
  /** Include the ingress CORS policy (origins come from the corsOrigins parameter). */
  cors: boolean;
  /** The queue, table and container names the service is configured with. @default STORAGE_NAMES */
  storage?: StorageNames;
  /** Days before result blobs are deleted (PRAISONAI_SVC_RETENTION_DAYS; 0 keeps them). @default 30 */
  retentionDays?: number;
}

const HTTP_RULE: Json = {
  name: "http",
  http: { metadata: { concurrentRequests: String(SCALE.concurrentRequests) } },
};
/**
 * Replicas for queued jobs. KEDA (2.10 and later) counts invisible messages too, so a job in progress keeps
 * its replica counted until the job's message is deleted: the queue never looks empty mid-job.
 */
const queueRule = (queueName: string): Json => ({
  name: "queue-depth",
  azureQueue: {
    queueName,
    queueLength: SCALE.queueLength,
    auth: [{ secretRef: "queue-conn", triggerParameter: "connection" }],
  },
});
const DEPENDS = [expr(ENVIRONMENT_ID), expr(STORAGE_ID), expr(INSIGHTS_ID)];

function ingress(cors: boolean): Json {
  return {
    external: true,
    targetPort: API_PORT,
    transport: "auto",
    allowInsecure: false,
    ...(cors
      ? {
          // The service's own CORS rule (src/security/cors-policy.ts), answered by the ingress instead.
          corsPolicy: {
            allowedOrigins: expr(param("corsOrigins")),
            allowedMethods: CORS_METHODS,
            allowedHeaders: CORS_ALLOWED_HEADERS,
            exposeHeaders: CORS_EXPOSED_HEADERS,
            maxAge: CORS_MAX_AGE_S,
            allowCredentials: false,
          },
        }
      : {}),
  };
}

function app(o: {
  name: string;
  roles: ("api" | "worker")[];
  input: AppsInput;
  rules: Json[];
  grace: number;
}): Resource {
  const hasApi = o.roles.includes("api");
  const secretRole = o.roles.length === 2 ? "both" : (o.roles[0] ?? "api");
  return {
    type: "Microsoft.App/containerApps",
    apiVersion: API.app,
    name: expr(o.name),
    location: expr(param("location")),
    dependsOn: DEPENDS,
    properties: {
      managedEnvironmentId: expr(ENVIRONMENT_ID),
      configuration: {
        activeRevisionsMode: "Single",
        ...(hasApi ? { ingress: ingress(o.input.cors) } : {}),
        secrets: secrets(secretRole),
        registries: registries(),
      },
      template: {
        terminationGracePeriodSeconds: o.grace,
        containers: o.roles.map((r) => container(r, o.input.settings)),
        scale: { minReplicas: SCALE.minReplicas, maxReplicas: SCALE.maxReplicas, rules: o.rules },
      },
    },
  };
}

/** An event-driven Container Apps job: one execution per burst of queued messages, drained then exits. */
function workerJob(input: AppsInput, queueName: string): Resource {
  return {
    type: "Microsoft.App/jobs",
    apiVersion: API.app,
    name: expr(appNamed(WORKER_SUFFIX)),
    location: expr(param("location")),
    dependsOn: DEPENDS,
    properties: {
      environmentId: expr(ENVIRONMENT_ID),
      configuration: {
        triggerType: "Event",
        replicaTimeout: input.jobReplicaTimeoutSeconds,
        replicaRetryLimit: 0,
        secrets: secrets("worker"),
        registries: registries(),
        eventTriggerConfig: {
          parallelism: 1,
          replicaCompletionCount: 1,
          scale: {
            minExecutions: SCALE.minReplicas,
            maxExecutions: SCALE.maxReplicas,
            pollingInterval: 30,
            rules: [
              {
                name: "queue-depth",
                type: "azure-queue",
                metadata: {
                  queueName,
                  queueLength: String(SCALE.queueLength),
                  // Only waiting jobs start executions: the messages of jobs a running execution holds are
                  // invisible, and counting them (KEDA's default) would start executions that find nothing.
                  queueLengthStrategy: "visibleonly",
                  accountName: expr(param("storageAccountName")),
                },
                auth: [{ secretRef: "queue-conn", triggerParameter: "connection" }],
              },
            ],
          },
        },
      },
      template: {
        containers: [
          container("worker", input.settings, [
            "praisonai-svc",
            "drain",
            "--max-runtime",
            String(input.jobReplicaTimeoutSeconds),
          ]),
        ],
      },
    },
  };
}

export function appResources(input: AppsInput): Resource[] {
  const name = param("appName");
  const grace = input.workerTerminationGraceSeconds;
  const queue = (input.storage ?? STORAGE_NAMES).queue;
  if (input.layout === "single") {
    return [app({ name, roles: ["api", "worker"], input, rules: [HTTP_RULE, queueRule(queue)], grace })];
  }
  // The API alone needs only the request timeout to drain; the worker gets the job-sized grace.
  const api = app({ name, roles: ["api"], input, rules: [HTTP_RULE], grace: API_TERMINATION_GRACE_SECONDS });
  const worker =
    input.layout === "job"
      ? workerJob(input, queue)
      : app({ name: appNamed(WORKER_SUFFIX), roles: ["worker"], input, rules: [queueRule(queue)], grace });
  return [api, worker];
}
