// A TCP proxy in front of Azurite's three endpoints that can start swallowing traffic: connections are still
// accepted and requests read, but nothing is forwarded or answered, as with a storage account that hangs
// (unlike one that refuses connections, which the SDKs notice at once).

import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";
import { type AzuritePorts, azuriteConnectionString } from "../../src/local/azurite.js";

export interface HangProxy {
  connectionString: string;
  /** From now on, every connection (open or new) is left unanswered. */
  hang(): void;
  /** Resets the swallowed connections (as a restarted proxy would) and forwards new ones again. */
  recover(): void;
  close(): Promise<void>;
}

export async function startHangProxy(upstream: AzuritePorts): Promise<HangProxy> {
  let hanging = false;
  const pairs = new Set<[Socket, Socket | undefined]>();
  const servers: Server[] = [];
  const ports = {} as AzuritePorts;
  for (const service of ["blob", "queue", "table"] as const) {
    const server = createServer((client) => {
      client.on("error", () => {});
      const pair: [Socket, Socket | undefined] = [client, undefined];
      pairs.add(pair);
      client.on("close", () => pairs.delete(pair));
      if (hanging) return void client.resume(); // read and drop
      const target = connect(upstream[service], "127.0.0.1");
      target.on("error", () => client.destroy());
      pair[1] = target;
      client.pipe(target).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ports[service] = (server.address() as AddressInfo).port;
    servers.push(server);
  }
  return {
    connectionString: azuriteConnectionString(ports),
    hang() {
      hanging = true;
      for (const [client, target] of pairs) {
        if (!target) continue;
        client.unpipe(target);
        target.unpipe(client);
        target.destroy(); // the request in flight never gets its answer; the client's socket stays open
        client.resume();
      }
    },
    recover() {
      hanging = false;
      for (const [client] of pairs) client.destroy();
    },
    async close() {
      for (const [client, target] of pairs) {
        client.destroy();
        target?.destroy();
      }
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
