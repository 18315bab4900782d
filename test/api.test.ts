// The HTTP contract of DESIGN.md: statuses, problem+json bodies, the job object, downloads, OpenAPI.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ServiceApp } from "../src/app/service-app.js";
import { settle, testService } from "./support/api.js";
import { ROOT } from "./support/cli.js";

const MB = 1024 * 1024;

function echoApp(): ServiceApp {
  return new ServiceApp("Echo", { version: "1.2.3" }).job(
    {
      schema: z.object({ title: z.string().min(1), items: z.array(z.object({ n: z.number() })).default([]) }),
    },
    (p) => ({ data: JSON.stringify(p), contentType: "application/json", filename: "echo result.json" }),
  );
}

function sizedApp(): ServiceApp {
  return new ServiceApp("Sized").job((p) => [
    Buffer.from(String((p as { blob: string }).blob.length)),
    "text/plain",
    "n.txt",
  ]);
}

/** A JSON body of exactly `bytes` bytes: {"blob":"aaa…"}. */
const bodyOfSize = (bytes: number) => `{"blob":"${"a".repeat(bytes - 11)}"}`;

/** POST /jobs with a raw body of the given media type. */
const postRaw = (api: FastifyInstance, contentType: string, payload: string) =>
  api.inject({ method: "POST", url: "/jobs", headers: { "content-type": contentType }, payload });

/** GET /jobs/{id}/download asking for the link as JSON. */
const downloadLink = (api: FastifyInstance, id: string) =>
  api.inject({ method: "GET", url: `/jobs/${id}/download`, headers: { accept: "application/json" } });

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(JSON.stringify(body)).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/); // never a stack trace
  return body;
}

describe("POST /jobs", () => {
  it("accepts JSON with 202, a Location header and the job object", async () => {
    const { api } = await testService(echoApp());
    const res = await api.inject({ method: "POST", url: "/jobs", payload: { title: "Hi" } });
    expect(res.statusCode).toBe(202);
    const job = res.json();
    expect(res.headers.location).toBe(`/jobs/${job.job_id}`);
    expect(job).toMatchObject({ status: "queued", retry_count: 0, started_utc: null });
    expect(Date.parse(job.created_utc)).not.toBeNaN();
  });

  it.each(["application/yaml", "application/x-yaml", "text/yaml"])(
    "accepts YAML sent as %s",
    async (type) => {
      const { api } = await testService(echoApp());
      const res = await postRaw(api, type, `title: From YAML ${type}\nitems:\n  - n: 1\n`);
      expect(res.statusCode).toBe(202);
    },
  );

  it("runs YAML and JSON jobs to done and serves the exact bytes, content type and filename", async () => {
    const svc = await testService(echoApp());
    svc.startWorker();
    const yaml = await postRaw(svc.api, "application/yaml", "title: Slides\nitems:\n  - n: 2\n");
    const json = await svc.api.inject({ method: "POST", url: "/jobs", payload: { title: "Doc" } });
    for (const [res, expected] of [
      [yaml, { title: "Slides", items: [{ n: 2 }] }],
      [json, { title: "Doc", items: [] }],
    ] as const) {
      const done = await settle(svc.api, res.json().job_id);
      expect(done).toMatchObject({
        status: "done",
        filename: "echo result.json",
        content_type: "application/json",
      });
      const link = await downloadLink(svc.api, res.json().job_id);
      expect(link.statusCode).toBe(200);
      const { download_url, expires_at } = link.json();
      expect(Date.parse(expires_at) - Date.now()).toBeGreaterThan(3_500_000);
      const file = await fetch(download_url);
      expect(file.headers.get("content-type")).toBe("application/json");
      expect(file.headers.get("content-disposition")).toContain('filename="echo result.json"');
      expect(await file.json()).toEqual(expected);
      expect(done.size).toBe(JSON.stringify(expected).length);
    }
  });

  it("redirects /download with 302 to a fresh signed link", async () => {
    const svc = await testService(echoApp());
    svc.startWorker();
    const id = (await svc.api.inject({ method: "POST", url: "/jobs", payload: { title: "R" } })).json()
      .job_id;
    await settle(svc.api, id);
    const res = await svc.api.inject({ method: "GET", url: `/jobs/${id}/download` });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(/sig=/);
    expect((await fetch(String(res.headers.location))).status).toBe(200);
  });

  it("returns 400 problem+json for malformed JSON", async () => {
    const { api } = await testService(echoApp());
    const res = await postRaw(api, "application/json", '{"title": ');
    expectProblem(res, 400);
  });

  it("returns 400 problem+json for malformed YAML, saying what is wrong", async () => {
    const { api } = await testService(echoApp());
    const res = await postRaw(api, "application/yaml", "title: [unclosed\n  - x: {");
    expect(expectProblem(res, 400).detail).toMatch(/YAML/);
  });

  it("returns 422 naming every failing path", async () => {
    const { api } = await testService(echoApp());
    const res = await api.inject({
      method: "POST",
      url: "/jobs",
      payload: { title: "", items: [{ n: "x" }] },
    });
    const body = expectProblem(res, 422);
    const paths = (body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["title", "items[0].n"]));
    expect(body.detail).toContain("items[0].n");
  });

  it("returns 422 for a payload that is not an object when the handler has no schema", async () => {
    const { api } = await testService(sizedApp());
    const res = await postRaw(api, "application/json", "[1,2]");
    expectProblem(res, 422);
  });

  it("returns 415 for media types other than JSON and YAML", async () => {
    const { api } = await testService(echoApp());
    for (const headers of [{ "content-type": "text/plain" }, { "content-type": "application/xml" }]) {
      const res = await api.inject({ method: "POST", url: "/jobs", headers, payload: "title: x" });
      expect(expectProblem(res, 415).detail).toMatch(/application\/json/);
    }
  });

  it("processes a payload of exactly 1 MB and refuses 1 MB + 1 byte with 413", async () => {
    const svc = await testService(sizedApp());
    svc.startWorker();
    const ok = await postRaw(svc.api, "application/json", bodyOfSize(MB));
    expect(ok.statusCode).toBe(202);
    const done = await settle(svc.api, ok.json().job_id);
    expect(done.status).toBe("done");
    const file = await fetch((await downloadLink(svc.api, ok.json().job_id)).json().download_url);
    expect(await file.text()).toBe(String(MB - 11));

    const tooBig = await postRaw(svc.api, "application/json", bodyOfSize(MB + 1));
    expect(expectProblem(tooBig, 413).detail).toContain("1048576");
  });

  it("returns the existing job for the same payload, and for the same Idempotency-Key", async () => {
    const { api } = await testService(echoApp());
    const a = await api.inject({ method: "POST", url: "/jobs", payload: { title: "Same", items: [] } });
    // Key order and defaults do not change the canonical payload.
    const b = await api.inject({ method: "POST", url: "/jobs", payload: { items: [], title: "Same" } });
    expect(a.statusCode).toBe(202);
    expect(b.statusCode).toBe(200);
    expect(b.json().job_id).toBe(a.json().job_id);

    const k1 = await api.inject({
      method: "POST",
      url: "/jobs",
      headers: { "idempotency-key": "order-7" },
      payload: { title: "One" },
    });
    const k2 = await api.inject({
      method: "POST",
      url: "/jobs",
      headers: { "idempotency-key": "order-7" },
      payload: { title: "Two" },
    });
    expect(k2.json().job_id).toBe(k1.json().job_id);
  });

  it("refuses an empty or over-long Idempotency-Key", async () => {
    const { api, storage } = await testService(echoApp());
    for (const key of ["", "x".repeat(256)]) {
      const res = await api.inject({
        method: "POST",
        url: "/jobs",
        headers: { "idempotency-key": key },
        payload: { title: "x" },
      });
      expect(expectProblem(res, 400).detail, JSON.stringify(key.slice(0, 8))).toMatch(/Idempotency-Key/);
    }
    expect(await storage.jobs.listByStatus("queued", 10)).toEqual([]);
    // The longest allowed key is accepted.
    const longest = await api.inject({
      method: "POST",
      url: "/jobs",
      headers: { "idempotency-key": "x".repeat(255) },
      payload: { title: "x" },
    });
    expect(longest.statusCode).toBe(202);
  });
});

describe("GET /jobs/{id}", () => {
  it("returns 404 problem+json for an unknown job and for ids that are not job ids", async () => {
    const { api } = await testService(echoApp());
    for (const id of ["3f1c0c0e-0000-4000-8000-000000000000", "nope", "a'b", "x%20or%20true"]) {
      expectProblem(await api.inject({ method: "GET", url: `/jobs/${id}` }), 404);
      expectProblem(await api.inject({ method: "GET", url: `/jobs/${id}/download` }), 404);
    }
  });

  it("returns 409 for a download before the job is done", async () => {
    const { api } = await testService(echoApp());
    const id = (await api.inject({ method: "POST", url: "/jobs", payload: { title: "Wait" } })).json().job_id;
    const body = expectProblem(await api.inject({ method: "GET", url: `/jobs/${id}/download` }), 409);
    expect(body.detail).toContain("queued");
  });
});

describe("service routes", () => {
  it("answers /health with the service name and version, and the praisonai-svc version serving it", async () => {
    const { api } = await testService(echoApp());
    const res = await api.inject({ method: "GET", url: "/health" });
    const own = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(res.json()).toEqual({
      status: "ok",
      service: "Echo",
      version: "1.2.3",
      praisonai_svc: own.version,
    });
  });

  it("publishes an OpenAPI document with the handler's schema and serves the docs", async () => {
    const { api } = await testService(echoApp());
    const doc = (await api.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(doc.openapi).toBe("3.1.0"); // README and the CHANGELOG promise OpenAPI 3.1
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/jobs", "/jobs/{id}", "/jobs/{id}/download", "/health"]),
    );
    const body = doc.paths["/jobs"].post.requestBody.content;
    expect(body["application/json"].schema.properties.title.type).toBe("string");
    expect(body["application/yaml"]).toBeDefined();
    const docs = await api.inject({ method: "GET", url: "/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger/i);
  });

  it("declares the API-key and bearer schemes in the OpenAPI document when they are configured", async () => {
    const open = (
      await (await testService(echoApp())).api.inject({ method: "GET", url: "/openapi.json" })
    ).json();
    expect(open.components.securitySchemes).toBeUndefined();
    const { api } = await testService(echoApp(), {
      PRAISONAI_SVC_API_KEYS: `site:${"k".repeat(32)}`,
      PRAISONAI_SVC_JWT_SECRET: "s".repeat(32),
      PRAISONAI_SVC_JWT_AUDIENCE: "praisonai-svc",
      PRAISONAI_SVC_JWT_ISSUER: "https://wp.example.com",
    });
    const doc = (await api.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(doc.components.securitySchemes).toEqual({
      apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
      bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    });
    expect(doc.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
  });

  it("answers unknown routes with 404 problem+json", async () => {
    const { api } = await testService(echoApp());
    expectProblem(await api.inject({ method: "GET", url: "/nothing-here" }), 404);
  });
});
