// API keys (PRAISONAI_SVC_API_KEYS): kept only as SHA-256 digests and compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../errors.js";

/** One accepted key. The key itself is not kept: a dump of the configuration reveals nothing usable. */
export interface ApiKey {
  /**
   * Who the key authenticates as, and so who owns the jobs it creates:
   * `name:<name>` for a named entry (`name:key`), else `key:` and the first 16 hex digits of the key's SHA-256.
   */
  readonly principal: string;
  readonly digest: Buffer;
}

/** Shortest accepted key; `openssl rand -hex 32` gives 64 characters. */
export const MIN_KEY_LENGTH = 16;
/** Longer presented values are refused before hashing (a key is never this long). */
export const MAX_KEY_LENGTH = 512;
// No ':' or ',' in a key, so `name:key` entries and the comma list are unambiguous; covers hex, base64, base64url.
const KEY_CHARS = /^[A-Za-z0-9._~+/=-]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const ENV = "PRAISONAI_SVC_API_KEYS";

export const sha256 = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * Parses `key1,key2` or `name:key1,name:key2`. Several keys at once let a key rotate without downtime;
 * entries sharing a name authenticate as the same principal, so jobs survive the rotation.
 * Error messages give the entry's position, never its value: the value is a secret.
 */
export function parseApiKeys(raw: string, name = ENV): ApiKey[] {
  const keys: ApiKey[] = [];
  const entries = raw
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  entries.forEach((entry, i) => {
    const where = `${name}: entry ${i + 1} of ${entries.length}`;
    const colon = entry.indexOf(":");
    const keyName = colon >= 0 ? entry.slice(0, colon) : undefined;
    const key = colon >= 0 ? entry.slice(colon + 1) : entry;
    if (keyName !== undefined && !NAME.test(keyName)) {
      throw new ConfigError(
        `${where} has an invalid name before ':'; a name is 1-64 letters, digits, '_', '.' or '-'.`,
      );
    }
    if (key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH || !KEY_CHARS.test(key)) {
      throw new ConfigError(
        `${where} is not a valid key: use ${MIN_KEY_LENGTH}-${MAX_KEY_LENGTH} characters from A-Z a-z 0-9 . _ ~ + / = - ` +
          "(for example the output of `openssl rand -hex 32`).",
      );
    }
    const digest = sha256(key);
    if (keys.some((k) => k.digest.equals(digest))) throw new ConfigError(`${where} repeats an earlier key.`);
    const principal = keyName ? `name:${keyName}` : `key:${digest.toString("hex").slice(0, 16)}`;
    keys.push({ principal, digest });
  });
  return keys;
}

/**
 * The key matching `presented`, or undefined. Both sides are SHA-256 digests (32 bytes), so
 * timingSafeEqual works for a presented value of any length, and every key is compared, so the
 * time taken says nothing about which key (if any) matched.
 */
export function matchApiKey(keys: readonly ApiKey[], presented: string): ApiKey | undefined {
  if (presented.length > MAX_KEY_LENGTH) return undefined;
  const digest = sha256(presented);
  let found: ApiKey | undefined;
  for (const key of keys) {
    if (timingSafeEqual(key.digest, digest) && found === undefined) found = key;
  }
  return found;
}
