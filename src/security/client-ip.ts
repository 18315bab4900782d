// The client's IP address: the socket's peer, or a proxy header only as far as the proxies are trusted.
import { isIP } from "node:net";
import type { FastifyRequest } from "fastify";
import { ConfigError } from "../errors.js";

/**
 * PRAISONAI_SVC_TRUST_PROXY: how many proxies in front of the API append to X-Forwarded-For.
 * `false`/`0`: none (the socket's peer is the client); `true`: 1 (Azure Container Apps ingress); or a number.
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
 * The client's IP. Each trusted proxy appends the address it received the request from, so the
 * client is the `hops`-th entry from the END of X-Forwarded-For; entries to its left are whatever
 * the client sent and are ignored (a spoofed header changes nothing). Anything unparsable falls
 * back to the socket's peer.
 */
export function clientIp(request: FastifyRequest, hops: number): string {
  const peer = normalize(request.raw.socket?.remoteAddress ?? "") ?? "unknown";
  if (hops === 0) return peer;
  const header = request.headers["x-forwarded-for"];
  const hopsList = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  const candidate = hopsList[hopsList.length - hops];
  return (candidate !== undefined && normalize(candidate)) || peer;
}

/**
 * The rate-limit key of an address. An IPv6 client usually owns a whole /64 and can rotate through
 * it at will, so IPv6 addresses are counted per /64; IPv4 per address.
 */
export function rateKeyOf(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  return `${expandV6(ip).slice(0, 4).join(":")}::/64`;
}

/** The bare address (no port, no IPv4-mapped prefix), or undefined when it is not an IP address. */
function normalize(value: string): string | undefined {
  let v = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v); // [v6]:port
  if (bracketed?.[1]) v = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(":")); // v4:port
  if (v.toLowerCase().startsWith("::ffff:") && isIP(v.slice(7)) === 4) v = v.slice(7);
  return isIP(v) ? v.toLowerCase() : undefined;
}

function expandV6(ip: string): string[] {
  const [head = "", tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") && tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right].map((g) => g.padStart(4, "0"));
}
