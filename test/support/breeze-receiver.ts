// A stand-in for Application Insights' ingestion endpoint (POST <IngestionEndpoint>/v2.1/track), decoding
// the envelopes the Azure Monitor exporter sends (JSON, an array or newline-delimited, gzip or not). HTTPS
// only, as the exporter insists: a throw-away self-signed certificate (openssl) that the processes under
// test trust through NODE_EXTRA_CA_CERTS.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";

export interface Envelope {
  name: string;
  sampleRate?: number;
  tags?: Record<string, string>;
  data: { baseType: string; baseData: Record<string, unknown> & { properties?: Record<string, string> } };
}

export interface BreezeReceiver {
  /** A connection string that sends here. */
  connectionString: string;
  /** The certificate file the senders must trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  envelopes(): Envelope[];
  raw(): string;
  close(): Promise<void>;
}

export async function startBreezeReceiver(): Promise<BreezeReceiver> {
  const envelopes: Envelope[] = [];
  const bodies: string[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "breeze-"));
  const [keyFile, caFile] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyFile,
      "-out",
      caFile,
    ],
    { stdio: "ignore" },
  );
  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      const text = body.toString("utf8");
      bodies.push(text);
      if (req.url?.endsWith("/track")) {
        const trimmed = text.trim();
        const items: Envelope[] = trimmed.startsWith("[")
          ? JSON.parse(trimmed)
          : trimmed.split("\n").map((line) => JSON.parse(line));
        envelopes.push(...items);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    connectionString: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:${port}/`,
    caFile,
    envelopes: () => [...envelopes],
    raw: () => bodies.join("\n"),
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        }),
      ),
  };
}
