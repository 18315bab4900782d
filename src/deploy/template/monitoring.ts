// Logs and telemetry with a hard cost cap: Log Analytics (daily cap), Application Insights, the Container Apps environment.
import { API, appNamed, expr, INSIGHTS_ID, param, type Resource, WORKSPACE_ID } from "./arm.js";

/** Daily ingestion cap in GB: 0.45 GB = 450 MB, under the 500 MB a day that keeps log ingestion cheap (a few pounds a month). */
export const LOG_DAILY_CAP_GB = 0.45;
/** Shortest retention the PerGB2018 tier allows without extra charge. */
export const LOG_RETENTION_DAYS = 30;
/** Application Insights samples 10% of telemetry: enough to see trends, a tenth of the cost. */
export const INSIGHTS_SAMPLING_PERCENT = 10;

export function monitoringResources(): Resource[] {
  return [
    {
      type: "Microsoft.OperationalInsights/workspaces",
      apiVersion: API.workspace,
      name: expr(appNamed("-logs")),
      location: expr(param("location")),
      properties: {
        sku: { name: "PerGB2018" },
        retentionInDays: LOG_RETENTION_DAYS,
        // ARM JSON has no fractional literals: json('0.45') is how a template writes 0.45.
        workspaceCapping: { dailyQuotaGb: expr(`json('${LOG_DAILY_CAP_GB}')`) },
      },
    },
    {
      type: "Microsoft.Insights/components",
      apiVersion: API.insights,
      name: expr(appNamed("-insights")),
      location: expr(param("location")),
      kind: "web",
      dependsOn: [expr(WORKSPACE_ID)],
      properties: {
        Application_Type: "web",
        WorkspaceResourceId: expr(WORKSPACE_ID),
        IngestionMode: "LogAnalytics",
        SamplingPercentage: INSIGHTS_SAMPLING_PERCENT,
      },
    },
    {
      type: "Microsoft.App/managedEnvironments",
      apiVersion: API.app,
      name: expr(appNamed("-env")),
      location: expr(param("location")),
      dependsOn: [expr(WORKSPACE_ID)],
      properties: {
        appLogsConfiguration: {
          destination: "log-analytics",
          logAnalyticsConfiguration: {
            customerId: expr(`reference(${WORKSPACE_ID}, '${API.workspace}').customerId`),
            sharedKey: expr(`listKeys(${WORKSPACE_ID}, '${API.workspace}').primarySharedKey`),
          },
        },
      },
    },
  ];
}

/** The Application Insights connection string, read inside Azure (it carries the ingestion key). */
export const INSIGHTS_CONNECTION = expr(`reference(${INSIGHTS_ID}, '${API.insights}').ConnectionString`);
