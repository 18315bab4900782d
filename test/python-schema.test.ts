// A Pydantic model on a Python handler: exported once as JSON Schema, checked by the API (422), documented.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jsonSchemaValidator } from "../src/app/json-schema-validator.js";
import { ROOT, runCli, startApiProcess, waitForJob } from "./support/cli.js";
import { PYDANTIC_PYTHON } from "./support/python.js";
import { isolatedEnv } from "./support/storage.js";

const TYPED = path.join(ROOT, "test/fixtures/python/typed/handlers.py");

async function post(url: string, body: unknown) {
  const res = await fetch(`${url}/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("a handler annotated with a Pydantic model", () => {
  it("gets 422 naming each failing path, its schema and example in /openapi.json, and a model instance", async () => {
    const env = isolatedEnv({
      PRAISONAI_SVC_POLL_MIN: "0.05",
      PRAISONAI_SVC_POLL_MAX: "0.5",
      PRAISONAI_SVC_LOG_LEVEL: "info",
      PRAISONAI_SVC_PYTHON: PYDANTIC_PYTHON,
    });
    const { proc: api, url } = await startApiProcess(TYPED, env);

    const bad = await post(url, { slides: [{ title: "" }, { bullets: "not a list" }], extra: 1 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { path: "presentation_title", message: "is required" },
        { path: "slides[0].title", message: "must NOT have fewer than 1 characters" },
        { path: "slides[1].title", message: "is required" },
        { path: "slides[1].bullets", message: "must be array" },
      ]),
    );
    expect(String(bad.body.detail)).toMatch(
      /^The payload does not match the service's schema: .*presentation_title: is required/,
    );

    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
      info: { title: string; description: string };
      paths: Record<
        string,
        Record<string, { requestBody: { content: Record<string, { schema: unknown; example?: unknown }> } }>
      >;
    };
    expect(doc.info).toMatchObject({ title: "Typed fixture", description: "Decks from a Pydantic model." });
    const body = doc.paths["/jobs"]?.post?.requestBody.content["application/json"];
    expect(body?.schema).toMatchObject({ required: ["presentation_title", "slides"] });
    expect(body?.example).toEqual({ presentation_title: "Hello", slides: [{ title: "One" }] });

    const worker = runCli(["worker", TYPED], { env });
    await worker.waitForOutput(/worker polling/, 60_000);
    const ok = await post(url, {
      presentation_title: "Q3",
      slides: [{ title: "A", bullets: ["x", "y"] }, { title: "B" }],
    });
    expect(ok.status).toBe(202);
    const job = await waitForJob(url, String(ok.body.job_id), { timeoutMs: 60_000 });
    expect(job).toMatchObject({ status: "done", filename: "deck.txt", content_type: "text/plain" });
    expect(await (await fetch(String(job.download_url))).text()).toBe("Deck Q3: A(2), B(0)");
    worker.kill("SIGTERM");
    api.kill("SIGTERM");
    await Promise.all([worker.exited, api.exited]);
  }, 180_000);
});

describe("the JSON Schema validator", () => {
  const validator = jsonSchemaValidator({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      items: { type: "array", items: { $ref: "#/$defs/Item" } },
      email: { type: "string", format: "email" },
    },
    required: ["items"],
    additionalProperties: false,
    $defs: { Item: { type: "object", properties: { "a/b": { type: "integer" } }, required: ["a/b"] } },
  });

  it("names every failing path the way the zod validator does", () => {
    const result = validator.validate({
      items: [{ "a/b": 1 }, { "a/b": "x" }, {}],
      email: "nope",
      more: true,
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual(
      expect.arrayContaining([
        { path: "items[1].a/b", message: "must be integer" },
        { path: "items[2].a/b", message: "is required" },
        { path: "email", message: 'must match format "email"' },
        { path: "more", message: "is not allowed" },
      ]),
    );
  });

  it("passes a valid payload through unchanged and documents the schema without $schema", async () => {
    const payload = { items: [{ "a/b": 2 }], email: "a@example.com" };
    expect(validator.validate(payload)).toEqual({ ok: true, value: payload });
    expect(await validator.jsonSchema()).not.toHaveProperty("$schema");
  });

  it("refuses a schema that is not JSON Schema, saying so", () => {
    expect(() => jsonSchemaValidator({ type: "no-such-type" })).toThrow(
      /the payload's JSON Schema is not valid/,
    );
  });
});
