// Authentication: every route but the public ones needs an API key (X-API-Key) or a WordPress-issued token
// (Authorization: Bearer). The caller becomes `request.principal`, which owns the jobs it creates.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HttpProblem } from "../errors.js";
import { estimateAt, rollTo, type WindowSlot } from "../storage/rate-window.js";
import { type ApiKey, matchApiKey } from "./api-keys.js";
import { clientIp } from "./client-ip.js";
import { JwtRejected, type JwtVerifier } from "./jwt.js";
import { policyOf } from "./route-policy.js";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * Who is calling: `key:<16 hex>` or `name:<name>` (API key), `sub:<subject>` (token);
     * "" while the API runs without keys or tokens. Jobs belong to the principal that created them.
     */
    principal: string;
    /** The key named admin, or anyone while the API runs without keys or tokens (admin routes are open then). */
    isAdmin: boolean;
  }
}

export interface AuthOptions {
  keys: readonly ApiKey[];
  jwt: JwtVerifier | undefined;
}

/** The principal of an `admin:<key>` entry in PRAISONAI_SVC_API_KEYS. */
export const ADMIN_PRINCIPAL = "name:admin";

/** Failures are logged one by one up to this many per minute and replica, then every this-many-th. */
const LOG_EVERY_AFTER = 100;

export function installAuth(api: FastifyInstance, o: AuthOptions): void {
  api.decorateRequest("principal", "");
  const open = o.keys.length === 0 && !o.jwt; // open API (a warning says so at startup)
  api.decorateRequest("isAdmin", open);
  if (open) return;

  const failures = minuteCounter();

  api.addHook("onRequest", async (request: FastifyRequest, _reply: FastifyReply) => {
    // CORS preflights never get here: the CORS hook answers them first (they carry no credentials).
    // A request no route matched needs credentials too (401 before 404: routes cannot be probed).
    const access = policyOf(request)?.access ?? "caller";
    if (access === "public") return;
    const outcome = await authenticate(request, o);
    if ("principal" in outcome) {
      if (access === "admin" && outcome.principal !== ADMIN_PRINCIPAL) {
        throw new HttpProblem(
          403,
          "Admin routes need the key named admin (an `admin:<key>` entry in PRAISONAI_SVC_API_KEYS).",
        );
      }
      request.principal = outcome.principal;
      request.isAdmin = outcome.principal === ADMIN_PRINCIPAL;
      return;
    }
    const recent = failures.add();
    if (recent <= LOG_EVERY_AFTER || recent % LOG_EVERY_AFTER === 0) {
      // These lines name the addresses behind the failed-authentication alert (which counts 401s as a
      // metric); never log what was presented.
      request.log.warn(
        {
          event: "auth_failed",
          reason: outcome.reason,
          ip: clientIp(request),
          method: request.method,
          path: request.url.split("?")[0]?.slice(0, 200),
          failures_last_minute: recent,
        },
        "authentication failed",
      );
    }
    throw new HttpProblem(401, outcome.detail, {
      headers: { "www-authenticate": challenge(o, outcome.reason.startsWith("token_")) },
    });
  });
}

/** The schemes this service accepts (RFC 9110 §11.6.1); `invalid_token` as in RFC 6750 when a token failed. */
function challenge(o: AuthOptions, tokenFailed: boolean): string {
  const schemes: string[] = [];
  if (o.keys.length) schemes.push('ApiKey realm="praisonai-svc", header="X-API-Key"');
  if (o.jwt) schemes.push(`Bearer realm="praisonai-svc"${tokenFailed ? ', error="invalid_token"' : ""}`);
  return schemes.join(", ");
}

type Outcome = { principal: string } | { reason: string; detail: string };

async function authenticate(request: FastifyRequest, o: AuthOptions): Promise<Outcome> {
  const apiKey = request.headers["x-api-key"];
  if (apiKey !== undefined) {
    if (o.keys.length === 0) {
      return {
        reason: "keys_disabled",
        detail: "This service does not accept API keys; send a Bearer token.",
      };
    }
    const key = typeof apiKey === "string" ? matchApiKey(o.keys, apiKey) : undefined;
    return key
      ? { principal: key.principal }
      : { reason: "unknown_key", detail: "The X-API-Key is not valid for this service." };
  }
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    if (!o.jwt) {
      return { reason: "tokens_disabled", detail: "This service does not accept tokens; send X-API-Key." };
    }
    if (!match?.[1]) {
      return { reason: "token_malformed", detail: 'Send the token as "Authorization: Bearer <token>".' };
    }
    try {
      return { principal: await o.jwt.verify(match[1]) };
    } catch (error) {
      if (error instanceof JwtRejected) return { reason: `token_${error.reason}`, detail: error.message };
      throw error;
    }
  }
  const how = [o.keys.length ? "an X-API-Key header" : "", o.jwt ? "an Authorization: Bearer token" : ""]
    .filter(Boolean)
    .join(" or ");
  return { reason: "missing", detail: `This service needs ${how}.` };
}

/** Counts events over the last minute, with the same sliding window as the rate limits. */
function minuteCounter() {
  const slot: WindowSlot = { start: 0, count: 0, prev: 0 };
  return {
    add(now = Date.now()): number {
      rollTo(slot, now).count++;
      return Math.round(estimateAt(slot, now));
    },
  };
}
