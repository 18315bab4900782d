// The security layer through the API (Fastify inject on Azurite): keys and rotation, ownership, tokens,
// admin routes, CORS, security headers, rate limits shared through Table Storage, and failure logging.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { request } from "node:http";
import { type AddressInfo, createServer, type Socket } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import { SignJWT } from "jose";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ServiceApp } from "../src/app/service-app.js";
import { loadConfig } from "../src/config/config.js";
import { freePort } from "../src/local/azurite.js";
import { inProcessRunner } from "../src/runner/in-process.js";
import { API_CSP, DOCS_CSP } from "../src/security/headers.js";
import { Worker } from "../src/worker/worker.js";
import { testService } from "./support/api.js";
import {
  afterTest,
  expectProblem,
  JWT_ENV,
  KEY_A,
  KEY_B,
  RSA,
  RSA_PEM,
  SECRET,
  type Service,
  service,
  submit,
  token,
} from "./support/security.js";
import { azuriteConnectionString } from "./support/storage.js";

const ORIGIN = "https://wp.example";

describe("API keys", () => {
  it("answers /health without a key, and everything else only with one", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A });
    expect((await api.inject("/health")).statusCode).toBe(200);
    const res = await submit(api);
    expect(expectProblem(res, 401).detail).toContain("X-API-Key");
    expect(res.headers["www-authenticate"]).toBe('ApiKey realm="praisonai-svc", header="X-API-Key"');
    expect((await submit(api, { "x-api-key": KEY_A })).statusCode).toBe(202);
  });

  it("asks for a key before saying a route does not exist, so routes cannot be probed", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A });
    expectProblem(await api.inject("/no-such-route"), 401);
    expectProblem(await api.inject({ url: "/no-such-route", headers: { "x-api-key": KEY_A } }), 404);
  });

  it("keeps /docs and /openapi.json public unless PRAISONAI_SVC_DOCS_PUBLIC=false", async () => {
    const open = await service({ PRAISONAI_SVC_API_KEYS: KEY_A });
    expect((await open.api.inject("/openapi.json")).statusCode).toBe(200);
    expect((await open.api.inject("/docs/")).statusCode).toBe(200);
    const closed = await service({ PRAISONAI_SVC_API_KEYS: KEY_A, PRAISONAI_SVC_DOCS_PUBLIC: "false" });
    expectProblem(await closed.api.inject("/openapi.json"), 401);
    expectProblem(await closed.api.inject("/docs/"), 401);
    expect(
      (await closed.api.inject({ url: "/openapi.json", headers: { "x-api-key": KEY_A } })).statusCode,
    ).toBe(200);
  });

  it("lets only the key named admin use the admin routes, which show every owner's jobs", async () => {
    // A job of the wordpress key that fails its one delivery, so it lands in the poison queue.
    const failing = new ServiceApp("Failing").job(() => {
      throw new Error("always fails");
    });
    const svc = await service(
      {
        PRAISONAI_SVC_API_KEYS: `admin:${KEY_A},wordpress:${KEY_B}`,
        PRAISONAI_SVC_MAX_DEQUEUE: "1",
        PRAISONAI_SVC_POLL_MIN: "0.05",
        PRAISONAI_SVC_POLL_MAX: "0.2",
      },
      undefined,
      {},
      failing,
    );
    const { api } = svc;
    const id = (await submit(api, { "x-api-key": KEY_B })).json().job_id as string;
    const worker = new Worker({
      storage: svc.storage,
      config: svc.config,
      runner: inProcessRunner(failing.definition),
      log: pino({ level: "silent" }),
    });
    void worker.run();
    afterTest(() => worker.close(1000));
    const deadline = Date.now() + 20_000;
    while ((await svc.storage.poison.count()) === 0) {
      if (Date.now() > deadline) throw new Error(`job ${id} never reached the poison queue`);
      await new Promise((r) => setTimeout(r, 50));
    }

    expectProblem(await api.inject("/admin/poison-queue"), 401);
    const denied = await api.inject({ url: "/admin/poison-queue", headers: { "x-api-key": KEY_B } });
    expect(expectProblem(denied, 403).detail).toContain("admin");
    const allowed = await api.inject({ url: "/admin/poison-queue", headers: { "x-api-key": KEY_A } });
    expect(allowed.statusCode).toBe(200);
    // The admin sees the other owner's job, with its state.
    expect(allowed.json()).toMatchObject({ count: 1, jobs: [{ job_id: id, job: { status: "error" } }] });

    // Requeue: 403 for any other key (the job stays failed), 404 for an unknown job, 202 for the admin.
    const requeue = (jobId: string, key: string) =>
      api.inject({
        method: "POST",
        url: `/admin/poison-queue/${jobId}/requeue`,
        headers: { "x-api-key": key },
      });
    expect(expectProblem(await requeue(id, KEY_B), 403).detail).toContain("admin");
    expect((await svc.storage.jobs.get(id))?.status).toBe("error");
    expect(await svc.storage.poison.count()).toBe(1);
    const unknown = "3f1c0c0e-0000-4000-8000-000000000000";
    expect(expectProblem(await requeue(unknown, KEY_A), 404).detail).toContain(unknown);
    const requeued = await requeue(id, KEY_A);
    expect(requeued.statusCode).toBe(202);
    expect(requeued.json()).toMatchObject({ job_id: id, status: "queued" });
  });

  it("logs each failure with the client IP and a stable event name, never the presented secret", async () => {
    const { api, logs } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A });
    const presented = `wrong-${randomBytes(16).toString("hex")}`;
    await api.inject({ url: "/jobs/x", headers: { "x-api-key": presented }, remoteAddress: "198.51.100.7" });
    await api.inject({ url: "/jobs/x", headers: { authorization: `Bearer ${presented}` } });
    await api.inject({ url: "/jobs/x", headers: { "x-api-key": KEY_A } });
    const failures = logs.filter((l) => l.event === "auth_failed");
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({
      level: 40,
      ip: "198.51.100.7",
      reason: "unknown_key",
      failures_last_minute: 1,
      path: "/jobs/x",
    });
    expect(failures[1]).toMatchObject({ reason: "tokens_disabled", failures_last_minute: 2 });
    const all = JSON.stringify(logs);
    expect(all).not.toContain(presented);
    expect(all).not.toContain(KEY_A);
  });

  it("logs the first 100 failures of a minute one by one, then every 100th, each with its count", async () => {
    const { api, logs } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A });
    for (let i = 0; i < 250; i++) {
      // A different address each time: the read limit (300 a minute per address) stays out of the way.
      const res = await api.inject({
        url: "/jobs/x",
        headers: { "x-api-key": "wrong" },
        remoteAddress: `198.51.100.${i % 250}`,
      });
      expect(res.statusCode).toBe(401);
    }
    const counts = logs.filter((l) => l.event === "auth_failed").map((l) => l.failures_last_minute);
    expect(counts).toEqual([...Array.from({ length: 100 }, (_, i) => i + 1), 200]);
  });
});

describe("ownership", () => {
  it("shows a job only to the key that created it: any other key gets 404", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: `${KEY_A},${KEY_B}` });
    const job = (await submit(api, { "x-api-key": KEY_A })).json() as { job_id: string };
    const asA = await api.inject({ url: `/jobs/${job.job_id}`, headers: { "x-api-key": KEY_A } });
    expect(asA.statusCode).toBe(200);
    for (const url of [`/jobs/${job.job_id}`, `/jobs/${job.job_id}/download`]) {
      const asB = await api.inject({ url, headers: { "x-api-key": KEY_B } });
      expect(expectProblem(asB, 404).detail).toContain("No job");
    }
  });

  it("lets the admin key open any owner's job (read, download, events); another owner still gets 404", async () => {
    const ADMIN = `C${KEY_A.slice(1)}`;
    const svc = await testService(
      new ServiceApp("Owned").job(() => ["ok", "text/plain", "ok.txt"]),
      { PRAISONAI_SVC_API_KEYS: `admin:${ADMIN},alice:${KEY_A},bob:${KEY_B}` },
    );
    const { api } = svc;
    const id = (await submit(api, { "x-api-key": KEY_A })).json().job_id as string;
    const as = (key: string, url: string) => api.inject({ url, headers: { "x-api-key": key } });

    // While queued: the admin reads it with its owner; the download is 409 (not yet), not 404.
    const queued = await as(ADMIN, `/jobs/${id}`);
    expect(queued.statusCode).toBe(200);
    expect(queued.json()).toMatchObject({ job_id: id, status: "queued", owner: "name:alice" });
    expect(expectProblem(await as(ADMIN, `/jobs/${id}/download`), 409).detail).toContain("queued");
    expect((await as(KEY_A, `/jobs/${id}`)).json()).not.toHaveProperty("owner");

    svc.startWorker();
    await expect
      .poll(async () => (await as(ADMIN, `/jobs/${id}`)).json().status, { timeout: 20_000 })
      .toBe("done");
    const done = await as(ADMIN, `/jobs/${id}`);
    expect(done.json()).toMatchObject({ status: "done", owner: "name:alice", filename: "ok.txt" });
    expect(done.json().download_url).toMatch(/^http/);
    expect((await as(ADMIN, `/jobs/${id}/download`)).statusCode).toBe(302);
    const events = await as(ADMIN, `/jobs/${id}/events`);
    expect(events.statusCode).toBe(200);
    expect(events.body).toContain("event: status");
    expect(events.body).toContain('"status":"done"');

    for (const url of [`/jobs/${id}`, `/jobs/${id}/download`, `/jobs/${id}/events`]) {
      expect(expectProblem(await as(KEY_B, url), 404).detail).toContain("No job");
    }
  });

  it("never deduplicates one owner's payload into another owner's job", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: `${KEY_A},${KEY_B}` });
    const payload = { same: "payload" };
    const a = (await submit(api, { "x-api-key": KEY_A }, payload)).json() as { job_id: string };
    const b = await submit(api, { "x-api-key": KEY_B }, payload);
    expect(b.statusCode).toBe(202);
    expect((b.json() as { job_id: string }).job_id).not.toBe(a.job_id);
  });

  it("keeps a job readable across a rotation when the old and new key share a name", async () => {
    const shared = { PRAISONAI_SVC_TABLE: `t${randomBytes(5).toString("hex")}` };
    const before = await service({ PRAISONAI_SVC_API_KEYS: `wordpress:${KEY_A}` }, shared);
    const job = (await submit(before.api, { "x-api-key": KEY_A })).json() as { job_id: string };
    // Rotation complete: only the new key is configured.
    const after = await service({ PRAISONAI_SVC_API_KEYS: `wordpress:${KEY_B}` }, shared);
    const read = await after.api.inject({ url: `/jobs/${job.job_id}`, headers: { "x-api-key": KEY_B } });
    expect(read.statusCode).toBe(200);
  });

  it("does not carry jobs over to a new unnamed key (documented: name keys that rotate)", async () => {
    const shared = { PRAISONAI_SVC_TABLE: `t${randomBytes(5).toString("hex")}` };
    const before = await service({ PRAISONAI_SVC_API_KEYS: KEY_A }, shared);
    const job = (await submit(before.api, { "x-api-key": KEY_A })).json() as { job_id: string };
    const after = await service({ PRAISONAI_SVC_API_KEYS: KEY_B }, shared);
    expectProblem(
      await after.api.inject({ url: `/jobs/${job.job_id}`, headers: { "x-api-key": KEY_B } }),
      404,
    );
  });
});

describe("WordPress-issued tokens", () => {
  it("accepts an HS256 token and makes its subject the job's owner", async () => {
    const { api } = await service({ PRAISONAI_SVC_JWT_SECRET: SECRET, ...JWT_ENV });
    const alice = await token({ sub: "alice" });
    const bob = await token({ sub: "bob" });
    const created = await submit(api, { authorization: `Bearer ${alice}` });
    expect(created.statusCode).toBe(202);
    const id = (created.json() as { job_id: string }).job_id;
    expect(
      (await api.inject({ url: `/jobs/${id}`, headers: { authorization: `Bearer ${alice}` } })).statusCode,
    ).toBe(200);
    expectProblem(await api.inject({ url: `/jobs/${id}`, headers: { authorization: `Bearer ${bob}` } }), 404);
  });

  it("accepts an RS256 token signed by the configured key pair only", async () => {
    const { api } = await service({ PRAISONAI_SVC_JWT_PUBLIC_KEY: RSA_PEM, ...JWT_ENV });
    const good = await token({ sub: "alice" }, { alg: "RS256", key: RSA.privateKey });
    expect((await submit(api, { authorization: `Bearer ${good}` })).statusCode).toBe(202);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const forged = await token({ sub: "alice" }, { alg: "RS256", key: other });
    expectProblem(await submit(api, { authorization: `Bearer ${forged}` }), 401);
  });

  it("refuses an HS256 token signed with the RS256 public key (algorithm confusion)", async () => {
    const { api } = await service({ PRAISONAI_SVC_JWT_PUBLIC_KEY: RSA_PEM, ...JWT_ENV });
    const confused = await token({ sub: "alice" }, { key: new TextEncoder().encode(RSA_PEM) });
    const res = await submit(api, { authorization: `Bearer ${confused}` });
    expect(expectProblem(res, 401).detail).toContain("RS256");
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="praisonai-svc", error="invalid_token"');
  });

  it.each([
    ["a wrong issuer", async () => token({ sub: "a", iss: "https://evil.example" }), '"iss"'],
    [
      "no expiry",
      async () =>
        new SignJWT({ sub: "a" })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("https://wp.example")
          .setAudience("praisonai-svc")
          .sign(new TextEncoder().encode(SECRET)),
      '"exp"',
    ],
    ["no subject", async () => token({}), '"sub"'],
    ["a malformed header", async () => "not-a-jwt", "not a valid"],
  ])("refuses a token with %s", async (_what, make, detail) => {
    const { api } = await service({ PRAISONAI_SVC_JWT_SECRET: SECRET, ...JWT_ENV });
    const res = await submit(api, { authorization: `Bearer ${await make()}` });
    expect(expectProblem(res, 401).detail).toContain(detail);
  });

  it("accepts keys and tokens side by side, announcing both in the challenge", async () => {
    const { api } = await service({
      PRAISONAI_SVC_API_KEYS: KEY_A,
      PRAISONAI_SVC_JWT_SECRET: SECRET,
      ...JWT_ENV,
    });
    expect((await submit(api, { "x-api-key": KEY_A })).statusCode).toBe(202);
    expect((await submit(api, { authorization: `Bearer ${await token({ sub: "a" })}` })).statusCode).toBe(
      202,
    );
    const res = await submit(api);
    expectProblem(res, 401);
    expect(res.headers["www-authenticate"]).toBe(
      'ApiKey realm="praisonai-svc", header="X-API-Key", Bearer realm="praisonai-svc"',
    );
  });
});

describe("CORS", () => {
  it("sends no CORS headers when no origin is configured", async () => {
    const { api } = await service();
    const res = await api.inject({ url: "/health", headers: { origin: ORIGIN } });
    expect(Object.keys(res.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
  });

  it("treats a preflight like any request when no origin is configured: it needs a key", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A });
    const res = await api.inject({
      method: "OPTIONS",
      url: "/jobs",
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    expectProblem(res, 401);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers a configured origin's preflight without a key, listing what the widget sends", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A, PRAISONAI_SVC_CORS_ORIGINS: ORIGIN });
    const res = await api.inject({
      method: "OPTIONS",
      url: "/jobs",
      headers: {
        origin: ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization, idempotency-key",
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      "access-control-allow-origin": ORIGIN,
      "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
      "access-control-allow-headers":
        "Content-Type, X-API-Key, Authorization, Idempotency-Key, Last-Event-ID",
      vary: "Origin",
    });
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("echoes a configured origin exactly, with Vary: Origin, also on errors", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A, PRAISONAI_SVC_CORS_ORIGINS: ORIGIN });
    const ok = await submit(api, { origin: ORIGIN, "x-api-key": KEY_A });
    expect(ok.headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(ok.headers["access-control-expose-headers"]).toBe(
      "Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy",
    );
    expect(ok.headers.vary).toContain("Origin");
    const unauthorized = await submit(api, { origin: ORIGIN });
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.headers["access-control-allow-origin"]).toBe(ORIGIN);
    const lookalike = await submit(api, { origin: `${ORIGIN}.evil.example`, "x-api-key": KEY_A });
    expect(lookalike.headers["access-control-allow-origin"]).toBeUndefined();
    expect(lookalike.headers.vary).toContain("Origin");
  });
});

describe("security headers", () => {
  it("are on every response: success, 401, 404, 413 and 415", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A });
    const key = { "x-api-key": KEY_A };
    const responses = [
      await api.inject("/health"),
      await submit(api, key),
      await submit(api),
      await api.inject({ url: "/nope", headers: key }),
      await api.inject({
        method: "POST",
        url: "/jobs",
        headers: { ...key, "content-type": "application/json" },
        payload: `"${"x".repeat(1_100_000)}"`,
      }),
      await api.inject({
        method: "POST",
        url: "/jobs",
        headers: { ...key, "content-type": "text/plain" },
        payload: "x",
      }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 202, 401, 404, 413, 415]);
    for (const res of responses) {
      expect(res.headers).toMatchObject({
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "content-security-policy": API_CSP,
        "cache-control": "no-store",
      });
      expect(res.headers["x-powered-by"]).toBeUndefined();
    }
  });

  it("give /docs a CSP that its page satisfies: no inline script, every asset from 'self'", async () => {
    const { api } = await service();
    const page = await api.inject("/docs/");
    expect(page.headers["content-security-policy"]).toBe(DOCS_CSP);
    expect(DOCS_CSP).toContain("script-src 'self'");
    const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, inline] of scripts) {
      expect(inline?.trim()).toBe("");
      const src = /src="([^"]+)"/.exec(attrs ?? "")?.[1] ?? "";
      expect(src).not.toMatch(/^(https?:)?\/\//);
      const asset = await api.inject(new URL(src, "http://x/docs/").pathname);
      expect(asset.statusCode).toBe(200);
      expect(asset.headers["content-type"]).toMatch(/javascript/);
    }
  });
});

describe("rate limits", () => {
  it("counts submissions per client across replicas and answers the 11th in a minute with 429", async () => {
    const shared = { PRAISONAI_SVC_RATE_TABLE: `r${randomBytes(5).toString("hex")}` };
    const one = await service({}, shared);
    const two = await service({}, shared);
    const client = { remoteAddress: "203.0.113.10" };
    const statuses: number[] = [];
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 11; i++) {
      last = await (i % 2 ? two : one).api.inject({
        method: "POST",
        url: "/jobs",
        payload: { i },
        ...client,
      });
      statuses.push(last.statusCode);
      if (i === 0)
        expect(last.headers).toMatchObject({ "ratelimit-limit": "10", "ratelimit-remaining": "9" });
    }
    expect(statuses).toEqual([...Array(10).fill(202), 429]);
    const res = last as LightMyRequestResponse;
    expect(expectProblem(res, 429).detail).toContain("10 per minute");
    expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(res.headers).toMatchObject({ "ratelimit-remaining": "0", "ratelimit-policy": "10;w=60" });
    // Another client is not affected, and the throttled client may still read its jobs.
    const other = await submit(one.api, {}, { other: 1 });
    expect(other.statusCode).toBe(202);
    const { job_id } = other.json() as { job_id: string };
    expect((await one.api.inject({ url: `/jobs/${job_id}`, ...client })).statusCode).toBe(200);
  });

  it("counts a burst exactly: of 30 simultaneous submissions over two replicas, 10 pass", async () => {
    const shared = { PRAISONAI_SVC_RATE_TABLE: `r${randomBytes(5).toString("hex")}` };
    const replicas = [await service({}, shared), await service({}, shared)];
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (replicas[i % 2] as Service).api.inject({ method: "POST", url: "/jobs", payload: { i } }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it("counts an IPv6 client per /64, so rotating addresses inside it resets nothing", async () => {
    const { api } = await service({ PRAISONAI_SVC_RATE_LIMIT: "2" });
    const from = (remoteAddress: string, i: number) =>
      api.inject({ method: "POST", url: "/jobs", payload: { i }, remoteAddress });
    expect((await from("2001:db8:1:2::1", 1)).statusCode).toBe(202);
    expect((await from("2001:db8:1:2::2", 2)).statusCode).toBe(202);
    expectProblem(await from("2001:db8:1:2:ffff::3", 3), 429);
    expect((await from("2001:db8:1:3::1", 4)).statusCode).toBe(202); // another /64
  });

  it("turns the submission limit off with PRAISONAI_SVC_RATE_LIMIT=0", async () => {
    const { api } = await service({ PRAISONAI_SVC_RATE_LIMIT: "0" });
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => submit(api, {}, { i })));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(12).fill(202));
    expect(responses[0]?.headers["ratelimit-limit"]).toBeUndefined();
  });

  it("limits reads per replica, in memory, at their own limit", async () => {
    const { api } = await service({ PRAISONAI_SVC_READ_RATE_LIMIT: "3" });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await api.inject("/jobs/00000000-0000-4000-8000-000000000000")).statusCode);
    expect(statuses).toEqual([404, 404, 404, 429]);
    expect((await api.inject("/health")).statusCode).toBe(200);
    expect((await submit(api)).statusCode).toBe(202);
  });

  it("never counts /health, /docs, /openapi.json or preflights, and says in RateLimit-Reset when to retry", async () => {
    const { api } = await service({ PRAISONAI_SVC_READ_RATE_LIMIT: "2", PRAISONAI_SVC_CORS_ORIGINS: ORIGIN });
    const read = () => api.inject("/jobs/00000000-0000-4000-8000-000000000000");
    expect((await read()).statusCode).toBe(404);
    expect((await read()).statusCode).toBe(404);
    const refused = await read();
    expectProblem(refused, 429);
    const reset = Number(refused.headers["ratelimit-reset"]);
    expect(reset).toBeGreaterThanOrEqual(1);
    // A sliding window: this minute's hits weigh on the next one too, so the wait can pass 60 s (not 120).
    expect(reset).toBeLessThanOrEqual(120);
    expect(Number(refused.headers["retry-after"])).toBe(reset);
    // The same client, over its read limit, still gets liveness, the docs and its preflights, many times over.
    for (let i = 0; i < 5; i++) {
      expect((await api.inject("/health")).statusCode).toBe(200);
      expect((await api.inject("/openapi.json")).statusCode).toBe(200);
      expect((await api.inject("/docs/")).statusCode).toBe(200);
      const preflight = await api.inject({
        method: "OPTIONS",
        url: "/jobs",
        headers: { origin: ORIGIN, "access-control-request-method": "POST" },
      });
      expect(preflight.statusCode).toBe(204);
    }
    expectProblem(await read(), 429);
  });

  it("refuses a throttled submission before reading its body", async () => {
    const { api } = await service({ PRAISONAI_SVC_RATE_LIMIT: "1" });
    expect((await submit(api)).statusCode).toBe(202);
    await api.listen({ port: 0, host: "127.0.0.1" });
    const { port } = api.server.address() as AddressInfo;
    // Announce 1 MB, send 100 bytes, never the rest: only a check made before reading the body can answer.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/jobs",
        headers: { "content-type": "application/json", "content-length": String(1_000_000) },
      });
      const timer = setTimeout(
        () => reject(new Error("no answer while the body was still being sent")),
        15_000,
      );
      req.on("response", (r) => {
        let body = "";
        r.on("data", (d: Buffer) => (body += d.toString()));
        r.on("end", () => {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: r.statusCode ?? 0, body });
        });
      });
      req.on("error", () => {});
      req.write(`{"pad":"${"x".repeat(90)}`);
    });
    expect(answer.status).toBe(429);
    expect(JSON.parse(answer.body).detail).toContain("per minute");
  });

  it("takes the client from the last X-Forwarded-For hop only when told to trust the proxy", async () => {
    const trusting = await service({ PRAISONAI_SVC_RATE_LIMIT: "1", PRAISONAI_SVC_TRUST_PROXY: "true" });
    const via = (xff: string, i: number) =>
      trusting.api.inject({
        method: "POST",
        url: "/jobs",
        payload: { i },
        headers: { "x-forwarded-for": xff },
      });
    expect((await via("203.0.113.20", 1)).statusCode).toBe(202);
    expect((await via("203.0.113.21", 2)).statusCode).toBe(202); // another client behind the ingress
    expect((await via("1.1.1.1, 203.0.113.20", 3)).statusCode).toBe(429); // spoofed hop to the left: same client
  });

  it("reads the client from the n-th X-Forwarded-For entry from the end behind n trusted proxies", async () => {
    const failedFrom = async (env: Record<string, string>) => {
      const { api, logs } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A, ...env });
      await api.inject({
        url: "/jobs/00000000-0000-4000-8000-000000000000",
        remoteAddress: "10.0.0.1",
        headers: { "x-api-key": KEY_B, "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.1.1.1" },
      });
      return logs.find((l) => l.event === "auth_failed")?.ip;
    };
    expect(await failedFrom({ PRAISONAI_SVC_TRUST_PROXY: "2" })).toBe("203.0.113.9");
    expect(await failedFrom({ PRAISONAI_SVC_TRUST_PROXY: "1" })).toBe("10.1.1.1");
    expect(await failedFrom({})).toBe("10.0.0.1"); // no proxy trusted: the header is ignored
  });

  it("counts on this replica, with the same limit, when the counter store is down (logged)", async () => {
    const dead = await deadTableEnv();
    const { api, logs } = await service({ PRAISONAI_SVC_RATE_LIMIT: "1" }, undefined, dead);
    const started = Date.now();
    expect((await submit(api)).statusCode).toBe(202);
    const second = await submit(api);
    expectProblem(second, 429);
    expect(second.headers["retry-after"]).toBeDefined();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(logs.filter((l) => l.event === "rate_limit_unavailable")).toHaveLength(2);
  });

  it("accepts at most the limit of 25 concurrent submissions from one client while counter calls hang", {
    timeout: 60_000,
  }, async () => {
    const hang = await hangingTableEnv();
    const { api, logs } = await service({ PRAISONAI_SVC_RATE_LIMIT: "10" }, undefined, hang.env);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 25 }, () => submit(api)));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([...Array(10).fill(202), ...Array(15).fill(429)]);
    expect(Date.now() - started).toBeLessThan(20_000); // each counter call gives up after 2 s
    expect(hang.connections()).toBeGreaterThan(0); // the counter really was called, and hung
    expect(logs.filter((l) => l.event === "rate_limit_unavailable").length).toBe(25);
  });

  it("answers 503 with Retry-After when the counter store is down and PRAISONAI_SVC_RATE_LIMIT_ON_ERROR=closed", async () => {
    const dead = await deadTableEnv();
    const { api } = await service({ PRAISONAI_SVC_RATE_LIMIT_ON_ERROR: "closed" }, undefined, dead);
    const res = await submit(api);
    expect(expectProblem(res, 503).detail).toContain("rate-limit counter");
    expect(res.headers["retry-after"]).toBe("5");
  });
});

/** Settings whose table connection points at a server that accepts connections and never answers. */
async function hangingTableEnv(): Promise<{ env: Record<string, string>; connections(): number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterTest(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { env: await deadTableEnv((server.address() as AddressInfo).port), connections: () => connections };
}

/** Settings whose table connection points at a port nothing listens on; the jobs storage stays real. */
async function deadTableEnv(port?: number): Promise<Record<string, string>> {
  port ??= await freePort();
  const account =
    loadConfig({ AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString() }).connections.table ?? "";
  const dead = account.replace(
    /TableEndpoint=http:\/\/127\.0\.0\.1:\d+/,
    `TableEndpoint=http://127.0.0.1:${port}`,
  );
  if (dead === account)
    throw new Error(`unexpected connection string shape: ${account.replace(/Key=[^;]+/, "Key=…")}`);
  return { AZURE_TABLE_CONN_STRING: dead };
}
