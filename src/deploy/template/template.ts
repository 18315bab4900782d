// Assembles the ARM template (azure/main.json) and its non-secret parameters file (azure/main.parameters.json).

import { alertResources } from "./alerts.js";
import { type AppsInput, appResources } from "./apps.js";
import { API, expr, type Json, param } from "./arm.js";
import { monitoringResources } from "./monitoring.js";
import { storageResources } from "./storage.js";

const SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const PARAMS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";

/** Values of the template's parameters; apiKeys is secret and never written to a file in the project. */
export interface TemplateParameters {
  appName: string;
  image: string;
  registryName: string;
  registryResourceGroup: string;
  storageAccountName: string;
  corsOrigins: string[];
  /** Where alerts are e-mailed (a template built with `alertEmail: true`); absent: the rules notify no one. */
  alertEmail?: string;
}

const PARAMETERS: Record<string, Json> = {
  location: {
    type: "string",
    defaultValue: "[resourceGroup().location]",
    metadata: { description: "Region of every resource; the resource group's by default." },
  },
  appName: { type: "string", minLength: 2, maxLength: 32, metadata: { description: "Container App name." } },
  image: { type: "string", metadata: { description: "Image to run, built by az acr build." } },
  registryName: { type: "string", metadata: { description: "Azure Container Registry holding the image." } },
  registryResourceGroup: {
    type: "string",
    defaultValue: "[resourceGroup().name]",
    metadata: { description: "Resource group of the registry." },
  },
  storageAccountName: {
    type: "string",
    minLength: 3,
    maxLength: 24,
    metadata: { description: "Storage account for jobs (table), queues and results (blobs)." },
  },
  corsOrigins: {
    type: "array",
    defaultValue: [],
    metadata: { description: "Browser origins allowed to call the API (e.g. the WordPress site)." },
  },
  apiKeys: {
    type: "securestring",
    metadata: { description: "Comma-separated API keys, stored as the Container App secret api-keys." },
  },
};

const ALERT_EMAIL: Json = {
  type: "string",
  metadata: { description: "E-mail address the alert rules notify (their action group)." },
};

export interface TemplateInput extends AppsInput {
  /** Create the action group that e-mails the `alertEmail` parameter, and attach it to every alert rule. */
  alertEmail: boolean;
}

export function buildTemplate(input: TemplateInput): Record<string, Json> {
  return {
    $schema: SCHEMA,
    contentVersion: "1.0.0.0",
    metadata: {
      generator: "praisonai-svc deploy azure",
      description: `Job service on Azure Container Apps, worker layout: ${input.layout}. Regenerated on every deploy.`,
    },
    parameters: input.alertEmail ? { ...PARAMETERS, alertEmail: ALERT_EMAIL } : PARAMETERS,
    resources: [
      ...storageResources(input.storage, input.retentionDays),
      ...monitoringResources(),
      ...appResources(input),
      ...alertResources(input.layout, input.alertEmail),
    ],
    outputs: {
      apiUrl: {
        type: "string",
        value: expr(
          `format('https://{0}', reference(resourceId('Microsoft.App/containerApps', ${param("appName")}), '${API.app}').configuration.ingress.fqdn)`,
        ),
      },
    },
  };
}

/** The parameters file: names and the image, for review; the API keys go in a separate, temporary file. */
export function buildParameters(values: TemplateParameters): Record<string, Json> {
  const parameters: Record<string, Json> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) parameters[key] = { value: value as Json };
  }
  return { $schema: PARAMS_SCHEMA, contentVersion: "1.0.0.0", parameters };
}
