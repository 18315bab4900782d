// A counting HTTP proxy in front of one Azurite endpoint: every storage call that passes is one billed transaction.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Hit {
  t: number;
  method: string;
  path: string;
}

export interface CountingProxy {
  port: number;
  hits: Hit[];
  close(): Promise<void>;
}

export async function countingProxy(targetPort: number): Promise<CountingProxy> {
  const agent = new http.Agent({ keepAlive: true });
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ t: performance.now(), method: req.method ?? "", path: req.url ?? "" });
    const upstream = http.request(
      { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
