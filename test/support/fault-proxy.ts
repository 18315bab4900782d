// An HTTP proxy on 127.0.0.1 in front of Azurite's blob, queue and table endpoints that fails a share of the
// requests the way a bad storage minute does: 503 Server Busy, connection resets (before the request reaches
// storage, or after it was executed so the response is lost) and slow responses. A seeded PRNG picks the
// faults, so a run is reproducible for the same order of requests. Targeted one-shot faults (`inject`) let a
// test hit one exact request, e.g. lose the response of the write that commits a job.
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { type AzuritePorts, azuriteConnectionString } from "../../src/local/azurite.js";

export type Service = keyof AzuritePorts;
export type FaultKind = "busy" | "reset" | "lost-response" | "delay";

export interface FaultProxyOptions {
  /** Azurite's ports, where requests are forwarded. */
  upstream: AzuritePorts;
  /** Seed of the fault sequence. @default 1 */
  seed?: number;
  /** Share of requests that get a fault, 0 to 1. @default 0 (turn it on with setFaultRate once set up) */
  faultRate?: number;
  /** Relative weights of the fault kinds. @default busy 4, reset 2, lost-response 2, delay 2 */
  weights?: Partial<Record<FaultKind, number>>;
  /** Added latency of a `delay` fault, in ms. @default [200, 1500] */
  delayMs?: [min: number, max: number];
}

/** A one-shot fault for the next request that matches. */
export interface FaultRule {
  service: Service;
  kind: FaultKind;
  match(req: { method: string; url: string; body: string }): boolean;
  /** Called once the fault was applied. */
  onApplied?(): void;
}

export interface FaultProxy {
  /** The proxy's own ports, one per service. */
  ports: AzuritePorts;
  /** A connection string that sends every storage call through the proxy. */
  connectionString: string;
  /** Requests seen and faults applied, by kind. */
  stats: Record<FaultKind | "requests", number>;
  setFaultRate(rate: number): void;
  inject(rule: FaultRule): void;
  close(): Promise<void>;
}

const DEFAULT_WEIGHTS: Record<FaultKind, number> = { busy: 4, reset: 2, "lost-response": 2, delay: 2 };

/** mulberry32: a small, fast, seedable PRNG in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const random = prng(opts.seed ?? 1);
  const weights = { ...DEFAULT_WEIGHTS, ...opts.weights };
  const totalWeight = Object.values(weights).reduce((a, b) => a + b, 0);
  const [delayMin, delayMax] = opts.delayMs ?? [200, 1500];
  let faultRate = opts.faultRate ?? 0;
  const rules: FaultRule[] = [];
  const stats: FaultProxy["stats"] = { requests: 0, busy: 0, reset: 0, "lost-response": 0, delay: 0 };
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  function pickFault(): FaultKind | undefined {
    if (random() >= faultRate) return undefined;
    let r = random() * totalWeight;
    for (const [kind, weight] of Object.entries(weights) as [FaultKind, number][]) {
      r -= weight;
      if (r < 0) return kind;
    }
    return "busy";
  }

  async function handle(service: Service, req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const body = await readBody(req);
    const described = { method: req.method ?? "GET", url: req.url ?? "/", body: body.toString("utf8") };
    const ruleIndex = rules.findIndex((r) => r.service === service && r.match(described));
    const rule = ruleIndex >= 0 ? rules.splice(ruleIndex, 1)[0] : undefined;
    const fault = rule?.kind ?? pickFault();
    if (fault) stats[fault]++;
    rule?.onApplied?.();

    if (fault === "busy") return busy(service, res);
    if (fault === "reset") return reset(req);
    if (fault === "delay")
      await new Promise((r) => setTimeout(r, delayMin + random() * (delayMax - delayMin)));
    const upstream = await forward(opts.upstream[service], req, body);
    if (fault === "lost-response") return reset(req); // storage did the work; the caller never hears of it
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  }

  function forward(port: number, req: IncomingMessage, body: Buffer) {
    return new Promise<{ status: number; headers: string[]; body: Buffer }>((resolve, reject) => {
      const up = request(
        { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers, agent },
        (res) => {
          readBody(res).then(
            (b) => resolve({ status: res.statusCode ?? 502, headers: res.rawHeaders, body: b }),
            reject,
          );
        },
      );
      up.on("error", reject);
      up.end(body);
    });
  }

  const servers: Server[] = [];
  const ports = {} as AzuritePorts;
  for (const service of ["blob", "queue", "table"] as const) {
    const server = createServer((req, res) => {
      handle(service, req, res).catch(() => {
        // Upstream unreachable: answer like a gateway would.
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ports[service] = (server.address() as AddressInfo).port;
    servers.push(server);
  }

  return {
    ports,
    connectionString: azuriteConnectionString(ports),
    stats,
    setFaultRate(rate) {
      faultRate = rate;
    },
    inject(rule) {
      rules.push(rule);
    },
    async close() {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      agent.destroy();
    },
  };
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

function reset(req: IncomingMessage): void {
  req.socket.resetAndDestroy();
}

/** 503 Server Busy as each service words it (XML for blob and queue, JSON for table). */
function busy(service: Service, res: ServerResponse): void {
  const message = "The server is busy (injected by the fault proxy).";
  if (service === "table") {
    res.writeHead(503, { "content-type": "application/json", "x-ms-error-code": "ServerBusy" });
    res.end(
      JSON.stringify({ "odata.error": { code: "ServerBusy", message: { lang: "en-US", value: message } } }),
    );
  } else {
    res.writeHead(503, { "content-type": "application/xml", "x-ms-error-code": "ServerBusy" });
    res.end(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>${message}</Message></Error>`,
    );
  }
}
