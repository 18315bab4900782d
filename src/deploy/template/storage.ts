// The Storage account: jobs table, job queue, poison queue, private output container, and a lifecycle rule
// deleting results after the service's retention (PRAISONAI_SVC_RETENTION_DAYS, 30 by default).
import { SETTINGS } from "../../config/settings.js";
import { API, expr, param, type Resource, STORAGE_ID } from "./arm.js";

/**
 * Days after which results (and stored payloads) are deleted, unless PRAISONAI_SVC_RETENTION_DAYS says
 * otherwise: old files cost storage and nothing reads them once their job row is gone (the worker deletes
 * rows after the same number of days).
 */
export const OUTPUT_RETENTION_DAYS = Number(SETTINGS.retentionDays.default);

/** The storage resources the service uses: the template creates them, and the queue scale rule watches one. */
export interface StorageNames {
  table: string;
  queue: string;
  poisonQueue: string;
  container: string;
}

/** The names the service uses when no setting changes them, from the settings table. */
export const STORAGE_NAMES: StorageNames = {
  table: SETTINGS.table.default,
  queue: SETTINGS.queue.default,
  poisonQueue: SETTINGS.poisonQueue.default,
  container: SETTINGS.container.default,
};

const account = param("storageAccountName");
const child = (path: string): string => expr(`format('{0}/${path}', ${account})`);
const dependsOnAccount = [expr(STORAGE_ID)];

/** `retentionDays` 0 keeps everything: no lifecycle rule. */
export function storageResources(
  names: StorageNames = STORAGE_NAMES,
  retentionDays = OUTPUT_RETENTION_DAYS,
): Resource[] {
  const { table, queue, poisonQueue, container } = names;
  const resources: Resource[] = [
    {
      type: "Microsoft.Storage/storageAccounts",
      apiVersion: API.storage,
      name: expr(account),
      location: expr(param("location")),
      sku: { name: "Standard_LRS" },
      kind: "StorageV2",
      properties: {
        accessTier: "Hot",
        minimumTlsVersion: "TLS1_2",
        supportsHttpsTrafficOnly: true,
        allowBlobPublicAccess: false,
      },
    },
    {
      type: "Microsoft.Storage/storageAccounts/blobServices/containers",
      apiVersion: API.storage,
      name: child(`default/${container}`),
      dependsOn: dependsOnAccount,
      properties: { publicAccess: "None" },
    },
    ...[queue, poisonQueue].map(
      (name): Resource => ({
        type: "Microsoft.Storage/storageAccounts/queueServices/queues",
        apiVersion: API.storage,
        name: child(`default/${name}`),
        dependsOn: dependsOnAccount,
        properties: {},
      }),
    ),
    {
      type: "Microsoft.Storage/storageAccounts/tableServices/tables",
      apiVersion: API.storage,
      name: child(`default/${table}`),
      dependsOn: dependsOnAccount,
      properties: {},
    },
  ];
  if (retentionDays === 0) return resources;
  resources.push({
    type: "Microsoft.Storage/storageAccounts/managementPolicies",
    apiVersion: API.storage,
    name: child("default"),
    dependsOn: dependsOnAccount,
    properties: {
      policy: {
        rules: [
          {
            enabled: true,
            name: "delete-outputs",
            type: "Lifecycle",
            definition: {
              filters: { blobTypes: ["blockBlob"], prefixMatch: [`${container}/`] },
              actions: {
                baseBlob: { delete: { daysAfterModificationGreaterThan: retentionDays } },
              },
            },
          },
        ],
      },
    },
  });
  return resources;
}
