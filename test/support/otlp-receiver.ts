// A small OTLP/HTTP receiver for tests: accepts the JSON encoding of /v1/traces and /v1/metrics (what the
// OpenTelemetry JS HTTP exporters send) and flattens what arrived into spans and metric points.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
};
type KeyValue = { key: string; value: AnyValue };

export interface ReceivedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  status?: { code?: number };
}

export interface ReceivedPoint {
  metric: string;
  attributes: Record<string, unknown>;
  /** Counters and gauges: the value; histograms: the count of recordings. */
  value: number;
  /** Histograms: the sum of recordings. */
  sum?: number;
  resource: Record<string, unknown>;
}

export interface OtlpReceiver {
  url: string;
  spans(): ReceivedSpan[];
  points(metric: string): ReceivedPoint[];
  /** Every body received, as text (for checks that something never appears). */
  raw(): string;
  /** Requests whose body was not OTLP JSON (the test fails on any). */
  rejected(): string[];
  close(): Promise<void>;
}

const value = (v: AnyValue): unknown =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));
const attrs = (kvs: KeyValue[] = []): Record<string, unknown> =>
  Object.fromEntries(kvs.map((kv) => [kv.key, value(kv.value)]));

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const bodies: string[] = [];
  const rejected: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      bodies.push(text);
      try {
        if (!(req.headers["content-type"] ?? "").startsWith("application/json")) throw new Error("not JSON");
        const body = JSON.parse(text);
        if (req.url === "/v1/traces") collectSpans(body, spans);
        else if (req.url === "/v1/metrics") collectPoints(body, points);
        else throw new Error(`unexpected path ${req.url}`);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } catch (error) {
        rejected.push(`${req.method} ${req.url}: ${(error as Error).message}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...spans],
    points: (metric) => points.filter((p) => p.metric === metric),
    raw: () => bodies.join("\n"),
    rejected: () => [...rejected],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: OTLP JSON as sent, walked once here.
function collectSpans(body: any, out: ReceivedSpan[]): void {
  for (const rs of body.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          name: s.name,
          kind: s.kind,
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId || undefined,
          attributes: attrs(s.attributes),
          resource,
          status: s.status,
        });
      }
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: OTLP JSON as sent, walked once here.
function collectPoints(body: any, out: ReceivedPoint[]): void {
  for (const rm of body.resourceMetrics ?? []) {
    const resource = attrs(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        const data = m.sum ?? m.gauge;
        for (const p of data?.dataPoints ?? []) {
          out.push({
            metric: m.name,
            attributes: attrs(p.attributes),
            value: Number(p.asInt ?? p.asDouble ?? 0),
            resource,
          });
        }
        for (const p of m.histogram?.dataPoints ?? []) {
          out.push({
            metric: m.name,
            attributes: attrs(p.attributes),
            value: Number(p.count ?? 0),
            sum: Number(p.sum ?? 0),
            resource,
          });
        }
      }
    }
  }
}
