// Helpers of the security and attack suites: an API on isolated Azurite resources that logs into an
// array, problem+json assertions, and tokens as WordPress would issue them.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { SignJWT } from "jose";
import { pino } from "pino";
import { afterEach, expect } from "vitest";
import { buildApi } from "../../src/api/server.js";
import { ServiceApp } from "../../src/app/service-app.js";
import { loadConfig, type ServiceConfig } from "../../src/config/config.js";
import { SETTINGS } from "../../src/config/settings.js";
import { createAzureStorage } from "../../src/storage/azure/index.js";
import type { Storage } from "../../src/storage/types.js";
import { isolatedStorage } from "./storage.js";

export const KEY_A = `A${randomBytes(24).toString("hex")}`;
export const KEY_B = `B${randomBytes(24).toString("hex")}`;
export const SECRET = randomBytes(32).toString("hex");
export const RSA = generateKeyPairSync("rsa", { modulusLength: 2048 });
export const RSA_PEM = RSA.publicKey.export({ type: "spki", format: "pem" }).toString();
export const JWT_ENV = {
  PRAISONAI_SVC_JWT_AUDIENCE: "praisonai-svc",
  PRAISONAI_SVC_JWT_ISSUER: "https://wp.example",
};

const target = new ServiceApp("Security target");
target.job(async () => ({ data: "ok", contentType: "text/plain", filename: "ok.txt" }));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Runs `close` after the current test. */
export const afterTest = (close: () => Promise<void>): void => void closers.push(close);

export interface Service {
  api: FastifyInstance;
  logs: Record<string, unknown>[];
  env: Record<string, string>;
  config: ServiceConfig;
  /** The service's storage (with its rate counter), for a worker or the test's own reads. */
  storage: Storage;
}

/**
 * An API on fresh Azurite resources (its own counter table) with the production rate limits, logging
 * into `logs`. `shared` names resources several services share; `counterOutage` is applied to the rate
 * counter alone (e.g. a dead counter table beside a live jobs table).
 */
export async function service(
  env: Record<string, string> = {},
  shared?: Record<string, string>,
  counterOutage: Record<string, string> = {},
  app: ServiceApp = target,
): Promise<Service> {
  const created = await isolatedStorage({
    // The production defaults (the shared test environment raises the limits for functional tests).
    PRAISONAI_SVC_RATE_LIMIT: SETTINGS.rateLimit.default,
    PRAISONAI_SVC_READ_RATE_LIMIT: SETTINGS.readRateLimit.default,
    ...shared,
    ...env,
  });
  const config = loadConfig(created.env);
  const storage = {
    ...created.storage,
    rateCounter: createAzureStorage(loadConfig({ ...created.env, ...counterOutage })).rateCounter,
  };
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const api = await buildApi({ app, storage, config, log });
  afterTest(() => api.close());
  return { api, logs, env: created.env, config, storage };
}

export const submit = (
  api: FastifyInstance,
  headers: Record<string, string> = {},
  body: unknown = { n: Math.random() },
) => api.inject({ method: "POST", url: "/jobs", headers, payload: body as object });

/** Asserts an application/problem+json response with this status; returns its body. */
export function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
): Record<string, unknown> {
  expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(body.detail).not.toMatch(/\n\s+at /); // never a stack trace
  return body;
}

/** A token as WordPress would issue it; `claims` override the defaults (iss, aud, a 5-minute exp). */
export const token = (
  claims: Record<string, unknown>,
  opts: { alg?: string; key?: Uint8Array | object } = {},
): Promise<string> =>
  new SignJWT({
    iss: "https://wp.example",
    aud: "praisonai-svc",
    exp: Math.floor(Date.now() / 1000) + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: opts.alg ?? "HS256" })
    .setIssuedAt()
    .sign((opts.key ?? new TextEncoder().encode(SECRET)) as Uint8Array);

export type { LightMyRequestResponse };
