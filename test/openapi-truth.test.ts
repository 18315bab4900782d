// The API document tells the truth: every operation in /openapi.json is called over real HTTP with the
// cases clients and attackers produce (no key, a wrong key, a non-admin key, over the limit, storage down, a
// malformed or oversized id, a bad %-escape, a wrong method) and each answer's status — and the headers the
// document promises with it — must be in that operation's document. The document validates as OpenAPI 3.1.

import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Deck } from "../examples/ppt/schema.js";
import { ServiceApp } from "../src/app/service-app.js";
import { zodValidator } from "../src/app/validator.js";
import { settle, testService } from "./support/api.js";
import { deadEndpoint, withEndpoint } from "./support/dead-endpoint.js";
import { KEY_A, service } from "./support/security.js";

const ADMIN_KEY = `admin:${"d".repeat(40)}`;
const ADMIN = ADMIN_KEY.slice("admin:".length);
const KEYS = { PRAISONAI_SVC_API_KEYS: `${KEY_A},${ADMIN_KEY}` };
const METHODS = ["get", "put", "post", "delete", "patch"] as const;

type Responses = Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }>;
type Doc = { paths: Record<string, Record<string, { responses: Responses }>> };

interface Operation {
  method: string;
  path: string;
  responses: Responses;
}

const operations = (doc: Doc): Operation[] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => (METHODS as readonly string[]).includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, responses: op.responses })),
  );

async function listen(api: FastifyInstance): Promise<string> {
  await api.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
}

/** Calls an operation (an event stream is cut once its head arrived) and returns status, headers and body. */
async function call(
  base: string,
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  const abort = new AbortController();
  const res = await fetch(`${base}${url}`, {
    method,
    headers,
    body,
    redirect: "manual",
    signal: abort.signal,
  });
  const type = res.headers.get("content-type") ?? "";
  // The event stream stays open until its job ends; its head is what is checked.
  const text = type.startsWith("text/event-stream") ? "" : await res.text();
  abort.abort();
  return { status: res.status, headers: res.headers, type, text };
}

interface Answer {
  status: number;
  headers: Headers;
  type: string;
  text: string;
}

const ajv = new Ajv2020({ strict: false });
const DECK_EXAMPLE = JSON.parse(
  readFileSync(new URL("../examples/ppt/sample.json", import.meta.url), "utf8"),
);

/** The answer's status is documented for the operation, with the headers and the body the document gives it. */
function expectDocumented(op: Operation, label: string, res: Answer) {
  const where = `${op.method} ${op.path} (${label}) answered ${res.status}`;
  expect(Object.keys(op.responses), where).toContain(String(res.status));
  const documented = op.responses[String(res.status)] ?? {};
  for (const name of Object.keys(documented.headers ?? {})) {
    expect(res.headers.get(name), `${where}: header ${name}`).not.toBeNull();
  }
  const media = res.type.split(";")[0] ?? "";
  const content = documented.content as Record<string, { schema?: object }> | undefined;
  if (!content) {
    expect(res.text, `${where}: the document says no body`).toBe("");
    return;
  }
  expect(Object.keys(content), `${where}: media type`).toContain(media);
  const schema = content[media]?.schema;
  if (schema && media.endsWith("json")) {
    const valid = ajv.compile(schema);
    expect(valid(JSON.parse(res.text)), `${where}: ${JSON.stringify(valid.errors)}`).toBe(true);
  }
}

/** A request for the operation: its path with `id`, a body where it takes one. */
const concrete = (
  op: Operation,
  id: string,
): { url: string; body?: string; type: Record<string, string> } => ({
  url: op.path.replace("{id}", id),
  body: op.method === "POST" && op.path === "/jobs" ? JSON.stringify({ n: Math.random() }) : undefined,
  type: op.method === "POST" && op.path === "/jobs" ? { "content-type": "application/json" } : {},
});

const keyFor = (op: Operation) => (op.path.startsWith("/admin") ? ADMIN : KEY_A);

async function documentOf(base: string): Promise<Doc> {
  const doc = (await (await fetch(`${base}/openapi.json`)).json()) as Doc;
  const result = await new Validator().validate(doc as never);
  expect(result.errors ?? [], "the document is valid OpenAPI 3.1").toEqual([]);
  expect(result.valid).toBe(true);
  return doc;
}

async function submitted(base: string, key: string): Promise<string> {
  const res = await fetch(`${base}/jobs`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ n: Math.random() }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { job_id: string }).job_id;
}

describe("the OpenAPI document describes every answer", () => {
  it("with keys on: no key, wrong key, non-admin key, right key, malformed ids, wrong methods", async () => {
    const svc = await service(KEYS);
    const base = await listen(svc.api);
    const doc = await documentOf(base);
    const ops = operations(doc);
    // Every route the API declares (and does not hide) is in the document.
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(["POST /jobs", "GET /jobs/{id}", "DELETE /jobs/{id}", "GET /jobs/{id}/events"]),
    );
    const id = await submitted(base, KEY_A);
    for (const op of ops) {
      const { url, body, type } = concrete(op, id);
      const ask = (label: string, headers: Record<string, string>, at = url) =>
        call(base, op.method, at, { ...type, ...headers }, body).then((res) => {
          expectDocumented(op, label, res);
          return res;
        });
      await ask("no key", {});
      await ask("wrong key", { "x-api-key": `${KEY_A}x` });
      if (op.path.startsWith("/admin"))
        expect((await ask("caller key", { "x-api-key": KEY_A })).status).toBe(403);
      await ask("right key", { "x-api-key": keyFor(op) });
      if (op.path.includes("{id}")) {
        const key = { "x-api-key": keyFor(op) };
        await ask("not a uuid", key, op.path.replace("{id}", "not-a-job"));
        expect((await ask("bad %-escape", key, op.path.replace("{id}", "%zz"))).status).toBe(400);
        expect((await ask("long id", key, op.path.replace("{id}", "x".repeat(300)))).status).toBe(414);
      }
    }
    // A method the path does not have: 405, and Allow names what the document has for it.
    for (const [path, item] of Object.entries(doc.paths)) {
      const url = path.replace("{id}", id);
      const missing = ["PUT", "PATCH", "DELETE", "POST"].find((m) => !(m.toLowerCase() in item));
      if (!missing) continue;
      const res = await call(base, missing, url, { "x-api-key": ADMIN });
      expect(res.status, `${missing} ${path}`).toBe(405);
      const allow = new Set((res.headers.get("allow") ?? "").split(", "));
      for (const m of Object.keys(item).filter((k) => (METHODS as readonly string[]).includes(k))) {
        expect(allow, `${path} Allow`).toContain(m.toUpperCase());
      }
    }
  }, 120_000);

  it("over the rate limits: 429 with Retry-After and RateLimit-* wherever a limit counts", async () => {
    const svc = await service({ PRAISONAI_SVC_RATE_LIMIT: "1", PRAISONAI_SVC_READ_RATE_LIMIT: "3" });
    const base = await listen(svc.api);
    const doc = await documentOf(base);
    const id = await submitted(base, "");
    let limited = 0;
    for (const op of operations(doc)) {
      const { url, body, type } = concrete(op, id);
      for (let i = 0; i < 4; i++) {
        const res = await call(base, op.method, url, type, body);
        expectDocumented(op, `call ${i + 1}`, res);
        if (res.status === 429) limited++;
      }
    }
    expect(limited).toBeGreaterThan(0);
  }, 120_000);

  it("with storage down: 503 with Retry-After on every operation that reads storage", async () => {
    const dead = (await deadEndpoint("reset")).url;
    const svc = await testService(
      new ServiceApp("Down").job(() => ["ok", "text/plain", "ok.txt"]),
      {},
      Object.fromEntries(
        ["STORAGE_CONNECTION_STRING", "TABLE_CONN_STRING", "QUEUE_CONN_STRING", "BLOB_CONN_STRING"].map(
          (name) => [`AZURE_${name}`, withEndpoint(["Blob", "Queue", "Table"], dead)],
        ),
      ),
    );
    const base = await listen(svc.api);
    const doc = await documentOf(base);
    const id = "0b7c6c0e-4b7a-4e8e-9a57-3d3f4b1c2a10";
    let unavailable = 0;
    for (const op of operations(doc)) {
      const { url, body, type } = concrete(op, id);
      const res = await call(base, op.method, url, type, body);
      expectDocumented(op, "storage down", res);
      if (res.status === 503) unavailable++;
    }
    expect(unavailable).toBeGreaterThan(3);
  }, 180_000);

  it("a finished job's download: 302 without a body and with Location, or the documented JSON link", async () => {
    const svc = await testService(new ServiceApp("Done").job(() => ["ok", "text/plain", "ok.txt"]));
    svc.startWorker();
    const base = await listen(svc.api);
    const doc = await documentOf(base);
    const op = operations(doc).find((o) => o.method === "GET" && o.path === "/jobs/{id}/download");
    if (!op) throw new Error("the download is not in the document");
    const id = await submitted(base, "");
    expect((await settle(svc.api, id)).status).toBe("done");
    const redirect = await call(base, "GET", `/jobs/${id}/download`);
    expect(redirect.status).toBe(302);
    expectDocumented(op, "redirect", redirect);
    const link = await call(base, "GET", `/jobs/${id}/download`, { accept: "application/json" });
    expect(link.status).toBe(200);
    expectDocumented(op, "json link", link);
  }, 60_000);

  it("a requeue with a Content-Type is not refused for its body; no body at all is 400 like an empty JSON one", async () => {
    const svc = await service(KEYS);
    const base = await listen(svc.api);
    const id = await submitted(base, KEY_A);
    const requeue = `/admin/poison-queue/${id}/requeue`;
    for (const [type, body] of [
      ["text/plain", "x"],
      ["application/json", ""],
      ["application/octet-stream", "\u0000\u0001"],
    ] as const) {
      const res = await call(base, "POST", requeue, { "x-api-key": ADMIN, "content-type": type }, body);
      expect(res.status, type).toBe(409); // queued, not failed: the body played no part
    }
    const noType = await call(base, "POST", "/jobs", { "x-api-key": KEY_A });
    const emptyJson = await call(base, "POST", "/jobs", {
      "x-api-key": KEY_A,
      "content-type": "application/json",
    });
    expect([noType.status, emptyJson.status]).toEqual([400, 400]);
  }, 60_000);

  it("says in the schema that trimmed strings need a visible character and count their length after trimming", async () => {
    const app = new ServiceApp("Titles").job(
      {
        schema: z.object({
          title: z.string().trim().min(1).max(5),
          note: z.string().trim().max(3).optional(),
          code: z.string().trim().min(2).optional(),
        }),
      },
      () => ["ok", "text/plain", "ok.txt"],
    );
    const svc = await testService(app);
    const doc = (await svc.api.inject("/openapi.json")).json();
    const accepts = ajv.compile(doc.paths["/jobs"].post.requestBody.content["application/json"].schema);
    const texts = [
      "",
      " ",
      " \n\t",
      "a",
      "a b",
      "  abcde  ",
      "abcdef",
      `${" ".repeat(300)}x`,
      "\u2003ab\u00a0",
    ];
    const payloads = [
      ...texts.map((title) => ({ title })),
      ...texts.map((note) => ({ title: "t", note })),
      ...texts.map((code) => ({ title: "t", code })),
    ];
    // The document's verdict is the API's verdict for every payload (202 new or 200 the same job again; 422).
    for (const payload of payloads) {
      const res = await svc.api.inject({ method: "POST", url: "/jobs", payload });
      expect([payload, accepts(payload)]).toEqual([payload, [200, 202].includes(res.statusCode)]);
    }
  }, 60_000);

  it("describes the example deck with patterns that compile and accept its example", async () => {
    const json = await zodValidator(Deck).jsonSchema();
    expect(JSON.stringify(json)).toContain('"pattern"');
    expect(ajv.compile(json)(DECK_EXAMPLE)).toBe(true);
    expect(ajv.compile(json)({ ...DECK_EXAMPLE, presentation_title: " \t " })).toBe(false);
  });
});
