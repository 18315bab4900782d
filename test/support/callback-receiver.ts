// A loopback HTTP server that records the callbacks it receives and answers as the test says. Stopped when
// the test finishes.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() when it arrived. */
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
}

export interface CallbackReceiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `127.0.0.1:<port>`, the allow-list entry. */
  host: string;
  port: number;
  received: ReceivedCallback[];
  /** Resolves once `n` callbacks have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedCallback[]>;
  close(): Promise<void>;
}

/** `answer(n)` decides the response to the n-th callback (1-based); default 204. `port`: listen there. */
export async function callbackReceiver(
  answer: (n: number) => Answer = () => ({ status: 204 }),
  port = 0,
): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => {
      body += d;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      const { status, headers = {} } = answer(received.length);
      res.writeHead(status, headers).end();
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  let closed = false;
  const close = () =>
    closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          closed = true;
          server.closeAllConnections();
          server.close(() => resolve());
        });
  onTestFinished(close);
  return {
    origin: `http://127.0.0.1:${actual}`,
    host: `127.0.0.1:${actual}`,
    port: actual,
    received,
    close,
    waitFor(n, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(received.slice(0, n));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${received.length} of ${n} callbacks arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * Verifies a callback as a Standard Webhooks receiver would, written here from the format's definition
 * rather than with the service's code: HMAC-SHA256 over `id.timestamp.body`, base64, `v1,` prefix, the
 * timestamp within five minutes.
 */
export function verifyStandardWebhook(secret: string, callback: ReceivedCallback): boolean {
  const id = String(callback.headers["webhook-id"]);
  const timestamp = String(callback.headers["webhook-timestamp"]);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${callback.body}`).digest();
  return String(callback.headers["webhook-signature"])
    .split(" ")
    .some((entry) => {
      const [version, sig] = entry.split(",");
      const given = Buffer.from(sig ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}
