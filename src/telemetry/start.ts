// Telemetry on or off for one process. Off (no exporter configured) costs nothing: the OpenTelemetry SDK and
// the exporters are imported only when an exporter is configured, and only once `start` is called, which the
// API does after it listens: a cold start (a request waking a scaled-to-zero app) does not wait for them.
import type { Logger } from "pino";
import type { ServiceConfig } from "../config/config.js";

export type TelemetrySettings = Pick<
  ServiceConfig,
  "insightsConnection" | "otlpEndpoint" | "traceSampling" | "metricsIntervalMs"
>;

export interface Telemetry {
  /** An exporter is configured. */
  readonly enabled: boolean;
  /**
   * Loads the SDK and registers its providers (once; later calls return the same promise). Never rejects:
   * telemetry that cannot start is logged and the service runs without it.
   */
  start(): Promise<void>;
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

export const telemetryConfigured = (s: TelemetrySettings): boolean =>
  s.insightsConnection !== "" || s.otlpEndpoint !== "";

export function createTelemetry(
  settings: TelemetrySettings,
  resource: TelemetryResource,
  log: Logger,
): Telemetry {
  const enabled = telemetryConfigured(settings);
  let started: Promise<(() => Promise<void>) | undefined> | undefined;
  const start = () => {
    started ??= enabled ? load() : Promise.resolve(undefined);
    return started.then(() => {});
  };
  const load = async () => {
    try {
      const { startSdk } = await import("./sdk.js");
      const shutdown = await startSdk(settings, resource, log);
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
      return shutdown;
    } catch (error) {
      log.error({ event: "telemetry_failed", err: error }, "telemetry could not start; running without it");
      return undefined;
    }
  };
  return {
    enabled,
    start,
    async shutdown() {
      const stop = await started;
      await stop?.();
    },
  };
}
