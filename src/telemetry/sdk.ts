// The OpenTelemetry SDK with the configured exporters: Azure Monitor (Application Insights) and/or OTLP/HTTP.
// Imported only when telemetry is on (see start.ts). It registers the global tracer and meter providers
// that the instrumentation (instruments.ts, trace.ts, http.ts, storage-spans.ts) writes to.
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import type { Logger } from "pino";
import { ATTR } from "./names.js";
import type { TelemetryResource, TelemetrySettings } from "./start.js";

interface Exporters {
  spans: SpanExporter[];
  metrics: PushMetricExporter[];
  sampler: Sampler;
}

async function exporters(s: TelemetrySettings): Promise<Exporters> {
  const out: Exporters = {
    spans: [],
    metrics: [],
    // A job's spans in the worker follow the decision taken for its POST (the sampled flag in traceparent).
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(s.traceSampling) }),
  };
  if (s.otlpEndpoint) {
    const [{ OTLPTraceExporter }, { OTLPMetricExporter }] = await Promise.all([
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/exporter-metrics-otlp-http"),
    ]);
    out.spans.push(new OTLPTraceExporter({ url: `${s.otlpEndpoint}/v1/traces` }));
    out.metrics.push(new OTLPMetricExporter({ url: `${s.otlpEndpoint}/v1/metrics` }));
  }
  if (s.insightsConnection) {
    const azure = await import("@azure/monitor-opentelemetry-exporter");
    const options = { connectionString: s.insightsConnection };
    out.spans.push(new azure.AzureMonitorTraceExporter(options));
    out.metrics.push(new azure.AzureMonitorMetricExporter(options));
    // Application Insights' sampler: the same trace-id hash in every process (so a job's trace is kept
    // whole), and it records the rate so the portal's counts are scaled back up.
    out.sampler = new azure.ApplicationInsightsSampler(s.traceSampling);
  }
  return out;
}

export async function startSdk(
  settings: TelemetrySettings,
  resource: TelemetryResource,
  log: Logger,
): Promise<() => Promise<void>> {
  const chosen = await exporters(settings);
  const attributes = resourceFromAttributes({
    "service.name": resource.service,
    "service.version": resource.version,
    [ATTR.role]: resource.role,
  });
  const tracerProvider = new BasicTracerProvider({
    resource: attributes,
    sampler: chosen.sampler,
    spanProcessors: chosen.spans.map((exporter) => new BatchSpanProcessor(exporter)),
  });
  const meterProvider = new MeterProvider({
    resource: attributes,
    readers: chosen.metrics.map(
      (exporter) =>
        new PeriodicExportingMetricReader({
          exporter,
          exportIntervalMillis: settings.metricsIntervalMs,
          exportTimeoutMillis: Math.min(30_000, settings.metricsIntervalMs),
        }),
    ),
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  // Shutdown flushes what is buffered (the last metrics, the last spans); a failed export does not stop the stop.
  return async () => {
    const results = await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    for (const r of results) {
      if (r.status === "rejected") log.warn({ err: r.reason }, "telemetry: final export failed");
    }
  };
}
