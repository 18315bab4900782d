// Telemetry on or off for one process. Off (no exporter configured) costs nothing: the OpenTelemetry SDK and
// the exporters are imported only when an exporter is configured, so start-up does not pay for them.
import type { Logger } from "pino";
import type { ServiceConfig } from "../config/config.js";

export type TelemetrySettings = Pick<
  ServiceConfig,
  "insightsConnection" | "otlpEndpoint" | "traceSampling" | "metricsIntervalMs"
>;

export interface Telemetry {
  readonly enabled: boolean;
  /** Exports what is buffered and stops; call once the role has stopped. */
  shutdown(): Promise<void>;
}

export interface TelemetryResource {
  /** The service's name (its ServiceApp name): `service.name`. */
  service: string;
  version: string;
  /** `api` or `worker`. */
  role: string;
}

const OFF: Telemetry = { enabled: false, shutdown: async () => {} };

export const telemetryConfigured = (s: TelemetrySettings): boolean =>
  s.insightsConnection !== "" || s.otlpEndpoint !== "";

export async function startTelemetry(
  settings: TelemetrySettings,
  resource: TelemetryResource,
  log: Logger,
): Promise<Telemetry> {
  if (!telemetryConfigured(settings)) return OFF;
  const { startSdk } = await import("./sdk.js");
  const telemetry = await startSdk(settings, resource, log);
  log.info(
    {
      event: "telemetry_on",
      exporters: [
        ...(settings.insightsConnection ? ["azure-monitor"] : []),
        ...(settings.otlpEndpoint ? ["otlp"] : []),
      ],
      trace_sampling: settings.traceSampling,
    },
    "telemetry on",
  );
  return telemetry;
}
