// Every route declares who may call it and which limit counts it; security reads only those declarations.
import { describe, expect, it } from "vitest";
import { KEY_A, KEY_B, service } from "./support/security.js";

const caller = (rate: string) => ({ access: "caller", rate, storage: true });
const admin = { access: "admin", rate: "read", storage: true };
/** The dashboard's page and assets hold no data: public, with their own CSP. */
const dashboard = {
  access: "public",
  rate: "read",
  storage: false,
  page: { csp: expect.stringContaining("script-src 'self'") },
};

/** The routes this service has, besides the docs (a plugin's routes, declared together). */
const EXPECTED: Record<string, object> = {
  "GET /health": { access: "public", rate: "none", storage: false },
  "HEAD /health": { access: "public", rate: "none", storage: false },
  "POST /jobs": caller("submit"),
  "GET /jobs/:id": caller("read"),
  "HEAD /jobs/:id": caller("read"),
  "GET /jobs/:id/download": caller("read"),
  "HEAD /jobs/:id/download": caller("read"),
  "GET /jobs": caller("read"),
  "HEAD /jobs": caller("read"),
  "GET /admin": dashboard,
  "HEAD /admin": dashboard,
  "GET /admin/dashboard.js": dashboard,
  "HEAD /admin/dashboard.js": dashboard,
  "GET /admin/dashboard.css": dashboard,
  "HEAD /admin/dashboard.css": dashboard,
  "GET /admin/stats": admin,
  "HEAD /admin/stats": admin,
  "GET /admin/poison-queue": admin,
  "HEAD /admin/poison-queue": admin,
  "POST /admin/poison-queue/:id/requeue": admin,
};

describe("route declarations", () => {
  it("cover every registered route: job routes for callers, admin routes for the admin key, docs public", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: `admin:${KEY_A},${KEY_B}` });
    await api.ready();
    const routes = api.declaredRoutes;
    const docs = routes.filter((r) => r.url === "/openapi.json" || r.url.startsWith("/docs"));
    const others = routes.filter((r) => !docs.includes(r));
    expect(Object.fromEntries(others.map((r) => [`${r.method} ${r.url}`, r.policy]))).toEqual(EXPECTED);
    expect(new Set(docs.map((r) => r.url))).toEqual(new Set(["/openapi.json", "/docs", "/docs/*"]));
    for (const route of docs) {
      expect(route.policy).toMatchObject({ access: "public", rate: "none", storage: false });
      expect(route.policy.page?.csp).toContain("script-src 'self'");
    }
  });

  it("make the docs need a key, and count them as reads, with PRAISONAI_SVC_DOCS_PUBLIC=false", async () => {
    const { api } = await service({ PRAISONAI_SVC_API_KEYS: KEY_A, PRAISONAI_SVC_DOCS_PUBLIC: "false" });
    await api.ready();
    const docs = api.declaredRoutes.filter((r) => r.url.startsWith("/docs"));
    expect(new Set(docs.map((r) => r.url))).toEqual(new Set(["/docs", "/docs/*"]));
    for (const route of docs) expect(route.policy).toMatchObject({ access: "caller", rate: "read" });
  });

  it("cover the OPTIONS route @fastify/cors adds: a plain OPTIONS needs credentials like any request", async () => {
    const { api } = await service({
      PRAISONAI_SVC_API_KEYS: KEY_A,
      PRAISONAI_SVC_CORS_ORIGINS: "https://wp.example",
    });
    await api.ready();
    const options = api.declaredRoutes.find((r) => r.method === "OPTIONS" && r.url === "*");
    expect(options?.policy).toEqual({ access: "caller", rate: "read", storage: false });
    expect(
      (await api.inject({ method: "OPTIONS", url: "/jobs", headers: { origin: "https://wp.example" } }))
        .statusCode,
    ).toBe(401);
  });

  it("are required: a route without one keeps the API from starting", async () => {
    const { api } = await service();
    api.get("/undeclared", async () => ({ open: true }));
    await expect(api.ready()).rejects.toThrow(/missing on: GET \/undeclared, HEAD \/undeclared/);
  });
});
