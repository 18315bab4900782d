// Attacks at the edges of HTTP: secrets in the query string, overlong URLs, compressed bodies, requests
// Node's parser refuses, and slow connections. Each answer is problem+json with the security headers.
// Results go to docs/security.md.

import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { expectProblem, KEY_A, service } from "./support/security.js";

/** Sends raw bytes to the API's socket; the whole answer, and how long until the server closed. */
async function raw(port: number, bytes: string, end = true): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (d) => {
      text += d.toString();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ text, ms: Date.now() - started }));
    socket.write(bytes);
    if (end) socket.end();
  });
}

/** Splits a raw HTTP answer into its status, lower-cased headers and body. */
function parse(text: string) {
  const [head = "", body = ""] = text.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { statusCode: Number(statusLine.split(" ")[1]), headers, body };
}

const SECURITY = {
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

describe("attacks at the edges of HTTP", () => {
  it("logs the path without the query string, so a key sent in the URL is never written", async () => {
    const { api, logs } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A });
    const res = await api.inject({ url: `/jobs/00000000-0000-4000-8000-000000000000?api_key=${KEY_A}` });
    expect(res.statusCode).toBe(401);
    await api.inject({ url: `/health?access_token=${KEY_A}` });
    const lines = JSON.stringify(logs);
    expect(lines).toContain('"url":"/health"');
    expect(lines).not.toContain(KEY_A);
  });

  it("answers an overlong id with 414 whose detail does not repeat the whole URL", async () => {
    const { api } = await service();
    const res = await api.inject({ url: `/jobs/${"a".repeat(10_000)}` });
    const problem = expectProblem(res, 414);
    expect(res.body.length).toBeLessThan(1000);
    expect(String(problem.detail).length).toBeLessThanOrEqual(200);
  });

  it("answers a method a path does not take with 405 and Allow, an unknown path with 404", async () => {
    const { api } = await service();
    const health = await api.inject({ method: "DELETE", url: "/health" });
    expect(expectProblem(health, 405).detail).toContain("GET");
    expect(health.headers.allow).toBe("GET, HEAD");
    const jobs = await api.inject({ method: "PUT", url: "/jobs" });
    expectProblem(jobs, 405);
    expect(String(jobs.headers.allow).split(", ")).toContain("POST");
    const download = await api.inject({
      method: "POST",
      url: "/jobs/00000000-0000-4000-8000-000000000000/download",
    });
    expect(expectProblem(download, 405).detail).toContain("GET");
    expect(expectProblem(await api.inject({ method: "GET", url: "/nothing/here" }), 404).detail).toContain(
      "No route",
    );
  });

  it("answers 415 to a compressed body, which nothing here decodes", async () => {
    const { api } = await service();
    for (const encoding of ["br", "gzip", "deflate, gzip"]) {
      const res = await api.inject({
        method: "POST",
        url: "/jobs",
        headers: { "content-type": "application/json", "content-encoding": encoding },
        payload: '{"a":1}',
      });
      expect(expectProblem(res, 415).detail).toContain("uncompressed");
      expect(res.headers).toMatchObject(SECURITY);
    }
    const identity = await api.inject({
      method: "POST",
      url: "/jobs",
      headers: { "content-type": "application/json", "content-encoding": "identity" },
      payload: '{"a":1}',
    });
    expect(identity.statusCode).toBe(202);
  });

  it("answers what Node's HTTP parser refuses as problem+json with the security headers", async () => {
    const { api } = await service();
    await api.listen({ port: 0, host: "127.0.0.1" });
    const { port } = api.server.address() as AddressInfo;
    const cases: [string, number][] = [
      ["GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400],
      [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
      [
        'POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{"a":1}\r\n0\r\n\r\n',
        400,
      ],
    ];
    for (const [request, status] of cases) {
      const res = parse((await raw(port, request)).text);
      expect(expectProblem(res, status).detail).toEqual(expect.any(String));
      expect(res.headers).toMatchObject(SECURITY);
    }
  });

  it("closes slow headers and slow bodies at the request budget with 408 problem+json", {
    timeout: 30_000,
  }, async () => {
    const { api } = await service({ PRAISONAI_SVC_REQUEST_TIMEOUT: "2" });
    await api.listen({ port: 0, host: "127.0.0.1" });
    const { port } = api.server.address() as AddressInfo;
    const slowHeaders = await raw(port, "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ", false);
    const slowBody = await raw(
      port,
      "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
      false,
    );
    for (const { text, ms } of [slowHeaders, slowBody]) {
      expect(ms).toBeGreaterThanOrEqual(1900);
      expect(ms).toBeLessThan(4500); // the budget, checked every second (was 30 s)
      const res = parse(text);
      expect(expectProblem(res, 408).detail).toContain("2 s");
      expect(res.headers).toMatchObject(SECURITY);
    }
  });
});
