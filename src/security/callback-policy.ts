// Where job callbacks may go: only to hosts the operator listed, over http(s), never with credentials in
// the URL. The API checks a job's callback_url with this at submit; the worker checks again before each POST.
import { ConfigError } from "../errors.js";
import { Secret } from "./secret.js";

/** Longer callback URLs are refused (they are stored in the job row). */
export const CALLBACK_URL_MAX = 2048;
const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

/**
 * PRAISONAI_SVC_CALLBACK_HOSTS: comma-separated `host` (its scheme's default port) or `host:port` entries,
 * returned as the keys `allowedCallbackHost` matches (lowercase host, explicit port kept).
 */
export function parseCallbackHosts(raw: string, name: string): string[] {
  const entries = raw
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  return entries.map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(`http://${entry}`);
    } catch {
      // reported below
    }
    const port = /:(\d{1,5})$/.exec(entry)?.[1];
    const plain = url && url.pathname === "/" && !url.username && !url.password && !url.search && !url.hash;
    if (!url || !plain || (port !== undefined && Number(port) > 65535)) {
      throw new ConfigError(
        `${name} entry ${JSON.stringify(entry)} is not valid: expected a host name or address, optionally with :port (e.g. hooks.example.com or 127.0.0.1:9000).`,
      );
    }
    return port === undefined ? url.hostname : `${url.hostname}:${port}`;
  });
}

/** True when `url` goes to a listed host: a bare entry allows the scheme's default port, `host:port` that port. */
export function allowedCallbackHost(url: URL, hosts: readonly string[]): boolean {
  const port = url.port || DEFAULT_PORTS[url.protocol];
  return (url.port === "" && hosts.includes(url.hostname)) || hosts.includes(`${url.hostname}:${port}`);
}

/** Why a callback URL is refused: 400 for a malformed URL, 422 for a host not on the list. */
export type CallbackUrlCheck = { url: string } | { status: 400 | 422; reason: string };

/** Checks a callback URL against the allow list; the reason is safe to show the caller. */
export function checkCallbackUrl(raw: string, hosts: readonly string[]): CallbackUrlCheck {
  if (raw.length > CALLBACK_URL_MAX) {
    return { status: 400, reason: `callback_url is longer than ${CALLBACK_URL_MAX} characters.` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { status: 400, reason: "callback_url is not an absolute URL (expected https://host/path)." };
  }
  if (!(url.protocol in DEFAULT_PORTS)) {
    return { status: 400, reason: `callback_url must use http or https, not ${url.protocol.slice(0, -1)}.` };
  }
  if (url.username || url.password) {
    return { status: 400, reason: "callback_url must not carry a user name or password." };
  }
  if (!allowedCallbackHost(url, hosts)) {
    return {
      status: 422,
      reason:
        hosts.length === 0
          ? `callback_url host ${url.host} is not allowed: this service accepts no callbacks (its operator can list hosts in PRAISONAI_SVC_CALLBACK_HOSTS).`
          : `callback_url host ${url.host} is not on this service's callback allow list (PRAISONAI_SVC_CALLBACK_HOSTS).`,
    };
  }
  return { url: url.href };
}

/**
 * PRAISONAI_SVC_CALLBACK_SECRET: a Standard Webhooks secret, `whsec_` and the base64 of 24 to 64 random
 * bytes. The message never quotes the value.
 */
export function parseCallbackSecret(raw: string, name: string): Secret | undefined {
  const value = raw.trim();
  if (value === "") return undefined;
  const encoded = value.startsWith("whsec_") ? value.slice("whsec_".length) : "";
  const bytes = Buffer.from(encoded, "base64");
  const canonical = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && bytes.toString("base64") === encoded;
  if (!canonical || bytes.length < 24 || bytes.length > 64) {
    throw new ConfigError(
      `${name} is not valid: expected whsec_ followed by the base64 of 24 to 64 random bytes (e.g. \`echo whsec_$(openssl rand -base64 32)\`).`,
    );
  }
  return new Secret(value);
}
