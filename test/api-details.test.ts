// Details the README and docs promise about the API that no broader test pins: the download link's lifetime
// follows PRAISONAI_SVC_SAS_TTL, updated_utc moves with the job, /health answers with storage hanging, and an
// API without keys says so once at start-up (event auth_disabled).
import { describe, expect, it } from "vitest";
import { ServiceApp } from "../src/app/service-app.js";
import { settle, testService } from "./support/api.js";
import { deadEndpoint, withEndpoint } from "./support/dead-endpoint.js";
import { KEY_A, service } from "./support/security.js";

const okApp = () => new ServiceApp("Ok").job(() => ["ok", "text/plain", "ok.txt"]);

describe("the API's documented details", () => {
  it("signs download links for PRAISONAI_SVC_SAS_TTL seconds", async () => {
    const svc = await testService(okApp(), { PRAISONAI_SVC_SAS_TTL: "120" });
    svc.startWorker();
    const id = (await svc.api.inject({ method: "POST", url: "/jobs", payload: { a: 1 } })).json().job_id;
    expect((await settle(svc.api, id)).status).toBe("done");
    const asked = Date.now();
    const link = await svc.api.inject({
      method: "GET",
      url: `/jobs/${id}/download`,
      headers: { accept: "application/json" },
    });
    const { download_url, expires_at } = link.json() as { download_url: string; expires_at: string };
    const ttl = Date.parse(expires_at) - asked;
    console.info(`[api] SAS_TTL 120: the link expires ${ttl} ms after it was asked for`);
    expect(ttl).toBeGreaterThan(115_000);
    expect(ttl).toBeLessThanOrEqual(121_000);
    // The signature itself carries that expiry (se=, to the second), not just the JSON beside it.
    const se = new URL(download_url).searchParams.get("se");
    expect(Date.parse(se ?? "")).toBe(Math.floor(Date.parse(expires_at) / 1000) * 1000);
    expect((await fetch(download_url)).status).toBe(200);
  });

  it("moves updated_utc with each change of the job, and keeps created_utc", async () => {
    const svc = await testService(okApp());
    const posted = (await svc.api.inject({ method: "POST", url: "/jobs", payload: { a: 2 } })).json();
    const queued = (await svc.api.inject({ method: "GET", url: `/jobs/${posted.job_id}` })).json();
    expect(queued.status).toBe("queued");
    expect(queued.updated_utc).toBe(queued.created_utc);
    svc.startWorker();
    const done = await settle(svc.api, posted.job_id);
    expect(done.created_utc).toBe(queued.created_utc);
    expect(Date.parse(String(done.updated_utc))).toBeGreaterThan(Date.parse(queued.updated_utc));
    expect(Date.parse(String(done.updated_utc))).toBeGreaterThanOrEqual(Date.parse(String(done.started_utc)));
  });

  it("answers /health at once while every storage service hangs", async () => {
    // Storage that accepts connections and never answers: any storage call would hang for its 10 s timeout.
    const hole = await deadEndpoint("hang");
    const unreachable = withEndpoint(["Blob", "Queue", "Table"], hole.url);
    const svc = await testService(okApp(), {}, { AZURE_STORAGE_CONNECTION_STRING: unreachable });
    const started = Date.now();
    const res = await svc.api.inject({ method: "GET", url: "/health" });
    const ms = Date.now() - started;
    console.info(`[api] /health with storage hanging: ${res.statusCode} in ${ms} ms`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok" });
    expect(hole.connections()).toBe(0); // not one connection to storage
    expect(ms).toBeLessThan(5000);
  });

  it("logs auth_disabled once at start-up without keys or tokens, and not with keys", async () => {
    const open = await service();
    expect(open.logs.filter((l) => l.event === "auth_disabled")).toEqual([
      expect.objectContaining({
        level: 40,
        msg: expect.stringContaining("PRAISONAI_SVC_API_KEYS is not set"),
      }),
    ]);
    const keyed = await service({ PRAISONAI_SVC_API_KEYS: KEY_A });
    expect(keyed.logs.filter((l) => l.event === "auth_disabled")).toEqual([]);
  });
});
