// Small builders for ARM template expressions, so the resource files read like the JSON they produce.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Resource = { [key: string]: Json };

/** API versions, one per resource provider, pinned so a deployment means the same thing every time. */
export const API = {
  storage: "2023-05-01",
  workspace: "2022-10-01",
  insights: "2020-02-02",
  app: "2024-03-01",
  registry: "2023-07-01",
  actionGroups: "2023-01-01",
  metricAlerts: "2018-03-01",
  scheduledQueryRules: "2022-06-15",
} as const;

export const param = (name: string): string => `parameters('${name}')`;

/** Wraps an expression in brackets: "[expr]". */
export const expr = (e: string): string => `[${e}]`;

export const resourceId = (type: string, ...names: string[]): string =>
  `resourceId('${type}', ${names.join(", ")})`;

/** `format('{0}-suffix', parameters('appName'))`: a name derived from the app name. */
export const appNamed = (suffix: string): string => `format('{0}${suffix}', ${param("appName")})`;

export const STORAGE_ID = resourceId("Microsoft.Storage/storageAccounts", param("storageAccountName"));
export const WORKSPACE_ID = resourceId("Microsoft.OperationalInsights/workspaces", appNamed("-logs"));
export const INSIGHTS_ID = resourceId("Microsoft.Insights/components", appNamed("-insights"));
export const ENVIRONMENT_ID = resourceId("Microsoft.App/managedEnvironments", appNamed("-env"));
/** The registry may live in another resource group (an existing one passed with --registry). */
export const REGISTRY_ID = `resourceId(${param("registryResourceGroup")}, 'Microsoft.ContainerRegistry/registries', ${param("registryName")})`;

/**
 * The storage connection string, built inside Azure from the account key (listKeys), so the key is
 * never a template value, a parameter or a deployment output.
 */
export const STORAGE_CONNECTION = expr(
  "concat('DefaultEndpointsProtocol=https;AccountName=', " +
    `${param("storageAccountName")}, ';AccountKey=', listKeys(${STORAGE_ID}, '${API.storage}').keys[0].value, ` +
    "';EndpointSuffix=', environment().suffixes.storage)",
);
