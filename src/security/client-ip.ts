// The client's IP address: Fastify's `request.ip` under its `trustProxy` setting, checked to be an address.
import { isIP } from "node:net";
import type { FastifyRequest } from "fastify";
import { ConfigError } from "../errors.js";

/**
 * PRAISONAI_SVC_TRUST_PROXY: how many proxies in front of the API append to X-Forwarded-For, as Fastify's
 * `trustProxy` takes it. `false`/`0`: none (the socket's peer is the client); `true`: 1 (Azure Container
 * Apps ingress); or a number. Fastify then takes the client from the `n`-th entry from the END of
 * X-Forwarded-For: entries to its left are whatever the client sent, so a spoofed header changes nothing.
 */
export function parseTrustProxy(raw: string, name: string): number {
  const v = raw.trim().toLowerCase();
  if (v === "false") return 0;
  if (v === "true") return 1;
  const n = Number(v);
  if (v !== "" && Number.isInteger(n) && n >= 0 && n <= 10) return n;
  throw new ConfigError(
    `${name}=${JSON.stringify(raw)} is not valid: expected true, false or a number of proxies from 0 to 10.`,
  );
}

/**
 * The client's IP (no port, no IPv4-mapped prefix). A proxy entry that is not an address (Azure services
 * append `ip:port`; a misbehaving proxy anything) is read without its port, else the socket's peer counts.
 */
export function clientIp(request: FastifyRequest): string {
  return normalize(request.ip) ?? normalize(request.socket?.remoteAddress ?? "") ?? "unknown";
}

function normalize(value: string): string | undefined {
  let v = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v); // [v6]:port
  if (bracketed?.[1]) v = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(":")); // v4:port
  if (v.toLowerCase().startsWith("::ffff:") && isIP(v.slice(7)) === 4) v = v.slice(7);
  return isIP(v) ? v.toLowerCase() : undefined;
}
