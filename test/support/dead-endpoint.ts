// A storage endpoint that is down, on a port this test holds (a port merely freed could be taken by another
// test's process meanwhile): `reset` drops every connection at once, as a refused one fails fast; `hang`
// accepts and never answers, so a call waits for its timeout. Closed after the test.
import { type AddressInfo, createServer, type Socket } from "node:net";
import { onTestFinished } from "vitest";
import { azuriteConnectionString } from "./storage.js";

export interface DeadEndpoint {
  url: string;
  /** Connections made to it so far. */
  connections(): number;
}

export async function deadEndpoint(kind: "reset" | "hang"): Promise<DeadEndpoint> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    if (kind === "reset") socket.resetAndDestroy();
    else sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
  };
}

/** The shared Azurite's connection string with these services' endpoints moved to `url`. */
export function withEndpoint(services: ("Blob" | "Queue" | "Table")[], url: string): string {
  return azuriteConnectionString().replace(
    new RegExp(`(${services.join("|")})Endpoint=http://127\\.0\\.0\\.1:\\d+`, "g"),
    `$1Endpoint=${url}`,
  );
}
