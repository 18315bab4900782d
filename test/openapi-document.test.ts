// /openapi.json is built on its first request (src/api/openapi-document.ts), no longer by @fastify/swagger
// registered at start-up. The document must not have changed by a byte: each configuration's SHA-256 below
// was computed from the eagerly built document (commit 9173d81, before the change). A change to what the API
// documents changes these hashes too: check the new document, then update the hash this test prints.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ServiceApp } from "../src/app/service-app.js";
import { testService } from "./support/api.js";
import { JWT_ENV, KEY_A, RSA_PEM, SECRET } from "./support/security.js";

const ADMIN_KEY = `admin:${"e".repeat(40)}`;

const zodApp = () =>
  new ServiceApp("Document probe", { version: "1.2.3", example: { title: "Hello", slides: 2 } }).job(
    { schema: z.object({ title: z.string().min(1), slides: z.number().int().positive().optional() }) },
    async () => ({ data: "x", contentType: "text/plain", filename: "x.txt" }),
  );

// What a Python handler's Pydantic model exports: the app gets a JSON Schema instead of a zod schema.
const pythonApp = () =>
  new ServiceApp("python probe", { description: "A Pydantic-typed handler." }).job(
    {
      jsonSchema: {
        type: "object",
        title: "Deck",
        properties: {
          presentation_title: { type: "string", minLength: 1 },
          slides: { type: "array", items: { $ref: "#/$defs/Slide" } },
        },
        required: ["presentation_title"],
        $defs: {
          Slide: {
            type: "object",
            properties: { title: { type: "string" }, bullets: { type: "array", items: { type: "string" } } },
            required: ["title"],
          },
        },
      },
    },
    async () => ({ data: "x", contentType: "text/plain", filename: "x.txt" }),
  );

const untypedApp = () =>
  new ServiceApp("untyped").job(async () => ({ data: "x", contentType: "text/plain", filename: "x.txt" }));

interface Case {
  name: string;
  app: () => ServiceApp;
  env: Record<string, string>;
  headers?: Record<string, string>;
  sha256: string;
}

const CASES: Case[] = [
  {
    name: "no auth, zod schema with example",
    app: zodApp,
    env: {},
    sha256: "76bd7b3b5ca5addb09d45ff8159bb3606a1ef364632579fc3cb03ac70175a732",
  },
  {
    name: "API keys (with admin) and an HS256 secret, docs behind the key",
    app: zodApp,
    env: {
      PRAISONAI_SVC_API_KEYS: `${KEY_A},${ADMIN_KEY}`,
      ...JWT_ENV,
      PRAISONAI_SVC_JWT_SECRET: SECRET,
      PRAISONAI_SVC_DOCS_PUBLIC: "false",
    },
    headers: { "x-api-key": KEY_A },
    sha256: "9d6f724c98d3d1cb34b579379fde227f48604f70d00516fe089928b5a1e99a31",
  },
  {
    name: "CORS and both rate limits off",
    app: zodApp,
    env: {
      PRAISONAI_SVC_CORS_ORIGINS: "https://wp.example,https://other.example:8443",
      PRAISONAI_SVC_RATE_LIMIT: "0",
      PRAISONAI_SVC_READ_RATE_LIMIT: "0",
    },
    sha256: "be3c0510e26868add3acaa6616b59aa8c6d4b88130e748284bc1098807dd50a5",
  },
  {
    name: "Python handler's JSON Schema, submit limit only, RS256 public key",
    app: pythonApp,
    env: { ...JWT_ENV, PRAISONAI_SVC_READ_RATE_LIMIT: "0", PRAISONAI_SVC_JWT_PUBLIC_KEY: RSA_PEM },
    sha256: "a828b149e5e6c99ffeaa9072de5f6197f1902fe7f1e3273f69c7102630ab960a",
  },
  {
    name: "untyped handler, API key",
    app: untypedApp,
    env: { PRAISONAI_SVC_API_KEYS: KEY_A },
    sha256: "87a298e6a3a341500ab53a75a3a5d3a6ae997c036e245e5a7562b01ca4eeef94",
  },
];

const sha256 = (body: Buffer) => createHash("sha256").update(body).digest("hex");

describe("the OpenAPI document built on first request", () => {
  for (const c of CASES) {
    it(`is byte-identical to the one built at start-up: ${c.name}`, async () => {
      const { api } = await testService(c.app(), c.env);
      const first = await api.inject({ method: "GET", url: "/openapi.json", headers: c.headers });
      expect(first.statusCode).toBe(200);
      expect(first.headers["content-type"]).toMatch(/^application\/json/);
      const hash = sha256(first.rawPayload);
      expect(hash, `the document of "${c.name}" changed`).toBe(c.sha256);
      // Built once: the second answer is the same document, and /docs shows that document too.
      const again = await api.inject({ method: "GET", url: "/openapi.json", headers: c.headers });
      expect(sha256(again.rawPayload)).toBe(hash);
      const docs = await api.inject({ method: "GET", url: "/docs/json", headers: c.headers });
      expect(docs.statusCode).toBe(200);
      expect(docs.json()).toEqual(first.json());
    });
  }
});
