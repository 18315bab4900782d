// A minimal keep-alive HTTP client on node:http: cheap per request, so the load generator is not the bottleneck.
import http from "node:http";

export interface HttpResponse {
  status: number;
  body: string;
}

export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

export function request(
  agent: http.Agent | undefined,
  method: string,
  url: string,
  body?: string,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

export const postJson = (agent: http.Agent, url: string, value: unknown) => {
  const body = JSON.stringify(value);
  return request(agent, "POST", url, body, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
  });
};
