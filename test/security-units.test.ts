// The security building blocks on their own: key parsing and matching, settings errors that never
// quote a secret, client IP, the rate-window arithmetic, safe YAML, payload shape, filenames.
import { generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { ConfigError } from "../src/errors.js";
import { matchApiKey, parseApiKeys, sha256 } from "../src/security/api-keys.js";
import { clientIp } from "../src/security/client-ip.js";
import { createJwtVerifier } from "../src/security/jwt.js";
import { unsafeShape } from "../src/security/payload-shape.js";
import { jsonDepthExceeds, yamlElementsExceed, yamlIndentationExceeds } from "../src/security/prescan.js";
import { parseYaml, YamlError } from "../src/security/yaml.js";
import { decide, WINDOW_MS } from "../src/storage/rate-window.js";
import { contentDisposition, sanitizeFilename } from "../src/util/content-disposition.js";

const KEY_A = `${"a".repeat(20)}0123456789abcdef`;
const KEY_B = `${"b".repeat(20)}0123456789abcdef`;

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("API keys", () => {
  it("identifies a key by a hash prefix, never by the key itself", () => {
    const [key] = parseApiKeys(KEY_A);
    expect(key?.principal).toBe(`key:${sha256(KEY_A).toString("hex").slice(0, 16)}`);
    expect(key?.principal).not.toContain(KEY_A.slice(0, 8));
    expect(JSON.stringify(loadConfig({ PRAISONAI_SVC_API_KEYS: KEY_A }))).not.toContain(KEY_A);
  });

  it("gives entries that share a name the same principal, so a rotated key keeps its jobs", () => {
    const keys = parseApiKeys(`wordpress:${KEY_A}, wordpress:${KEY_B}`);
    expect(keys.map((k) => k.principal)).toEqual(["name:wordpress", "name:wordpress"]);
    expect(matchApiKey(keys, KEY_B)?.principal).toBe("name:wordpress");
  });

  it("matches the right key and refuses wrong, shorter, longer and empty values", () => {
    const keys = parseApiKeys(`${KEY_A},${KEY_B}`);
    expect(matchApiKey(keys, KEY_A)).toBe(keys[0]);
    expect(matchApiKey(keys, KEY_B)).toBe(keys[1]);
    for (const wrong of ["", "x", KEY_A.slice(0, -1), `${KEY_A}x`, KEY_A.toUpperCase(), "z".repeat(10_000)]) {
      expect(matchApiKey(keys, wrong)).toBeUndefined();
    }
  });

  it.each([
    ["a key shorter than 16 characters", "short-key"],
    ["a key with a space", "abcdefgh ijklmnopqrst"],
    ["an invalid name", `bad name:${KEY_A}`],
    ["the same key twice", `${KEY_A},x:${KEY_A}`],
  ])("refuses %s at startup without quoting it", (_what, value) => {
    const error = configError({ PRAISONAI_SVC_API_KEYS: value });
    expect(error.message).toContain("PRAISONAI_SVC_API_KEYS");
    expect(error.message).not.toContain(value.replace(/^.*:/, ""));
  });
});

describe("JWT settings", () => {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const secret = "s".repeat(40);

  it("refuses a short secret without quoting it", () => {
    const error = configError({ PRAISONAI_SVC_JWT_SECRET: "too-short-secret" });
    expect(error.message).toContain("PRAISONAI_SVC_JWT_SECRET");
    expect(error.message).not.toContain("too-short-secret");
  });

  it("keeps the secret out of logs and JSON", () => {
    const config = loadConfig({ PRAISONAI_SVC_JWT_SECRET: secret });
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(inspect(config, { depth: 5 })).not.toContain(secret);
  });

  it("accepts a PEM public key written on one line with \\n", () => {
    const config = loadConfig({ PRAISONAI_SVC_JWT_PUBLIC_KEY: pem.replace(/\n/g, "\\n") });
    expect(config.jwtPublicKey?.asymmetricKeyType).toBe("rsa");
  });

  it.each([
    [
      "something that is not a key",
      { PRAISONAI_SVC_JWT_PUBLIC_KEY: "not a key" },
      "PRAISONAI_SVC_JWT_PUBLIC_KEY",
    ],
    [
      "an EC key",
      {
        PRAISONAI_SVC_JWT_PUBLIC_KEY: generateKeyPairSync("ec", { namedCurve: "P-256" })
          .publicKey.export({ type: "spki", format: "pem" })
          .toString(),
      },
      "RSA",
    ],
  ])("refuses %s", (_what, env, named) => {
    expect(configError(env).message).toContain(named);
  });

  it.each<[string, { jwtSecret?: boolean; jwtPublicKey?: boolean; aud: string; iss: string }, string]>([
    [
      "both a secret and a public key",
      { jwtSecret: true, jwtPublicKey: true, aud: "a", iss: "i" },
      "not both",
    ],
    ["a key without an audience", { jwtSecret: true, aud: "", iss: "i" }, "PRAISONAI_SVC_JWT_AUDIENCE"],
    ["a key without an issuer", { jwtSecret: true, aud: "a", iss: "" }, "PRAISONAI_SVC_JWT_ISSUER"],
    ["an audience without a key", { aud: "a", iss: "" }, "PRAISONAI_SVC_JWT_SECRET"],
  ])("refuses %s", (_what, o, named) => {
    const config = loadConfig({
      ...(o.jwtSecret ? { PRAISONAI_SVC_JWT_SECRET: secret } : {}),
      ...(o.jwtPublicKey ? { PRAISONAI_SVC_JWT_PUBLIC_KEY: pem } : {}),
      PRAISONAI_SVC_JWT_AUDIENCE: o.aud,
      PRAISONAI_SVC_JWT_ISSUER: o.iss,
    });
    expect(() => createJwtVerifier(config)).toThrow(named);
  });

  it("pins HS256 for a secret and RS256 for a public key", () => {
    const both = { PRAISONAI_SVC_JWT_AUDIENCE: "a", PRAISONAI_SVC_JWT_ISSUER: "i" };
    expect(createJwtVerifier(loadConfig({ ...both, PRAISONAI_SVC_JWT_SECRET: secret }))?.algorithm).toBe(
      "HS256",
    );
    expect(createJwtVerifier(loadConfig({ ...both, PRAISONAI_SVC_JWT_PUBLIC_KEY: pem }))?.algorithm).toBe(
      "RS256",
    );
  });
});

describe("other security settings", () => {
  it.each([
    ["PRAISONAI_SVC_CORS_ORIGINS", "*"],
    ["PRAISONAI_SVC_CORS_ORIGINS", "https://example.com/path"],
    ["PRAISONAI_SVC_CORS_ORIGINS", "example.com"],
    ["PRAISONAI_SVC_TRUST_PROXY", "yes"],
    ["PRAISONAI_SVC_RATE_LIMIT", "-1"],
    ["PRAISONAI_SVC_READ_RATE_LIMIT", "lots"],
    ["PRAISONAI_SVC_RATE_TABLE", "rate-limits"],
    ["PRAISONAI_SVC_RATE_LIMIT_ON_ERROR", "maybe"],
    ["PRAISONAI_SVC_DOCS_PUBLIC", "perhaps"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name);
  });

  it("has secure defaults: no keys configured means no CORS, 10 submissions a minute, proxies untrusted", () => {
    expect(loadConfig({})).toMatchObject({
      apiKeys: [],
      corsOrigins: [],
      rateLimit: 10,
      readRateLimit: 300,
      rateTable: "ratelimits",
      rateLimitOnError: "local",
      trustProxy: 0,
      docsPublic: true,
    });
  });

  it("normalises origins to scheme://host[:port]", () => {
    expect(
      loadConfig({ PRAISONAI_SVC_CORS_ORIGINS: "https://Example.com/, http://localhost:8080" }).corsOrigins,
    ).toEqual(["https://example.com", "http://localhost:8080"]);
  });
});

describe("client IP", () => {
  const request = (ip: string, peer = "10.0.0.1") =>
    ({ ip, socket: { remoteAddress: peer } }) as unknown as FastifyRequest;

  it("is Fastify's request.ip without a port or an IPv4-mapped prefix", () => {
    expect(clientIp(request("::ffff:10.0.0.5"))).toBe("10.0.0.5");
    expect(clientIp(request("203.0.113.9:4711"))).toBe("203.0.113.9");
    expect(clientIp(request("[2001:DB8::1]:443"))).toBe("2001:db8::1");
  });

  it("falls back to the socket's peer when the trusted entry is not an address", () => {
    expect(clientIp(request("nonsense"))).toBe("10.0.0.1");
    expect(clientIp(request("", "::ffff:10.0.0.7"))).toBe("10.0.0.7");
  });
});

describe("rate window", () => {
  const t0 = 1_700_000_040_000; // a window start

  it("allows `limit` hits and refuses the next, with the wait until one fits", () => {
    expect(decide({ count: 9, prev: 0 }, 10, t0 + 1000)).toMatchObject({ allowed: true, remaining: 0 });
    const refused = decide({ count: 10, prev: 0 }, 10, t0 + 1000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    // 10 hits this window: the next window weighs them; one more fits once 1/10 of it has passed.
    expect(refused.resetS).toBe(Math.ceil((WINDOW_MS - 1000 + WINDOW_MS / 10) / 1000));
  });

  it("weighs the previous window, so a burst across a window boundary is still refused", () => {
    expect(decide({ count: 5, prev: 10 }, 10, t0 + 6000).allowed).toBe(false);
    expect(decide({ count: 5, prev: 10 }, 10, t0 + 55_000).allowed).toBe(true);
  });
});

describe("safe YAML", () => {
  const refused = (text: string): string => {
    try {
      parseYaml(text);
    } catch (error) {
      expect(error).toBeInstanceOf(YamlError);
      return (error as Error).message;
    }
    throw new Error("expected a YamlError");
  };

  it("parses plain YAML 1.2 (yes stays a string)", () => {
    expect(parseYaml("title: Hello\nok: yes\nslides: [a, b]\n")).toEqual({
      title: "Hello",
      ok: "yes",
      slides: ["a", "b"],
    });
  });

  it.each([
    ["a %YAML 1.1 directive", "%YAML 1.1\n---\na: yes\n", "YAML 1.2"],
    ["a language tag", "a: !!python/object:os.system echo\n", "Unresolved tag"],
    ["a custom tag", "%TAG !e! tag:example.com,2000:\n---\na: !e!x y\n", "Unresolved tag"],
    ["several documents", "a: 1\n---\nb: 2\n", "one YAML document"],
    ["a duplicate key", "a: 1\na: 2\n", "unique"],
    ["a __proto__ key", "a:\n  __proto__:\n    polluted: 1\n", "__proto__"],
    ["constructor.prototype", "constructor:\n  prototype:\n    polluted: 1\n", "constructor.prototype"],
    ["deep block nesting", `${"- ".repeat(10_000)}x\n`, "nested more than"],
    ["deep flow nesting", `${"[".repeat(10_000)}${"]".repeat(10_000)}`, "nested more than"],
    [
      "deep nesting built from aliases",
      Array.from(
        { length: 5 },
        (_, i) => `a${i}: &a${i} ${"[".repeat(40)}${i ? `*a${i - 1}` : "x"}${"]".repeat(40)}`,
      ).join("\n"),
      "nested more than",
    ],
  ])("refuses %s", (_what, text, message) => {
    expect(refused(text)).toContain(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("pre-scans before parsing", () => {
  it("counts YAML structure without context, so nothing hides in what looks like a string", () => {
    expect(yamlElementsExceed(`a: "${"#".repeat(101)}"`, 100)).toBe(true);
    expect(yamlElementsExceed(`a: "${"x, ".repeat(101)}"`, 100)).toBe(false); // commas count only after a bracket
    expect(yamlElementsExceed(`a: [${"x, ".repeat(101)}]`, 100)).toBe(true);
    expect(yamlElementsExceed("\n".repeat(101), 100)).toBe(true);
    expect(yamlElementsExceed("\r\n".repeat(100), 100)).toBe(false); // CRLF is one line break
    expect(yamlElementsExceed("a-b:c?d ".repeat(200), 100)).toBe(false); // indicators need a blank after them
  });

  it("refuses more than 20,000 structural elements before parsing, saying to send JSON", () => {
    expect(() => parseYaml("- 1\n".repeat(20_001))).toThrow(/more than 20000 structural elements.*JSON/);
    expect(parseYaml("- 1\n".repeat(9_000))).toHaveLength(9_000);
  });

  it("counts indentation levels of YAML lines, ignoring blank lines and closing levels on dedent", () => {
    const stairs = (n: number) => Array.from({ length: n }, (_, i) => `${" ".repeat(i)}k:`).join("\n");
    expect(yamlIndentationExceeds(stairs(64), 64)).toBe(false);
    expect(yamlIndentationExceeds(stairs(65), 64)).toBe(true);
    expect(yamlIndentationExceeds(`${stairs(40)}\n${stairs(40)}`, 64)).toBe(false);
    expect(yamlIndentationExceeds(stairs(65).replace(/\n/g, "\n   \n"), 64)).toBe(true);
    expect(yamlIndentationExceeds(stairs(65).replace(/\n/g, "\r"), 64)).toBe(true);
  });

  it("measures JSON depth outside strings", () => {
    expect(jsonDepthExceeds(`${"[".repeat(64)}${"]".repeat(64)}`, 64)).toBe(false);
    expect(jsonDepthExceeds(`${"[".repeat(65)}`, 64)).toBe(true);
    expect(jsonDepthExceeds(`["${"[".repeat(100)}\\", "\\"${"{".repeat(100)}"]`, 64)).toBe(false);
  });
});

describe("payload shape", () => {
  it("accepts 64 levels and refuses 65", () => {
    const nest = (n: number): unknown => (n === 0 ? 1 : { a: nest(n - 1) });
    expect(unsafeShape(nest(64))).toBeUndefined();
    expect(unsafeShape(nest(65))).toContain("nested more than 64");
  });

  it("refuses an own __proto__ property and constructor.prototype", () => {
    expect(unsafeShape(JSON.parse('{"x":[{"__proto__":{"p":1}}]}'))).toContain("__proto__");
    expect(unsafeShape({ constructor: { prototype: {} } })).toContain("constructor.prototype");
    expect(unsafeShape({ constructor: "a string is fine" })).toBeUndefined();
  });
});

describe("download filenames (RFC 6266)", () => {
  it("removes CR/LF, quotes, backslashes and slashes so the header stays one safe parameter", () => {
    const header = contentDisposition('evil"\r\nSet-Cookie: x=1\\..\\/etc/passwd".pptx');
    expect(header).not.toMatch(/[\r\n]/);
    const fallback = /filename="([^"]*)"/.exec(header)?.[1];
    expect(fallback).toBe("evil_Set-Cookie_ x=1_.._etc_passwd_.pptx");
    expect(header.match(/"/g)).toHaveLength(2);
  });

  it("keeps the exact Unicode name in filename* and an ASCII fallback without %", () => {
    const header = contentDisposition("Präsentation 100%.pptx");
    expect(header).toBe(
      `attachment; filename="Pr_sentation 100_.pptx"; filename*=UTF-8''Pr%C3%A4sentation%20100%25.pptx`,
    );
  });

  it("strips bidi overrides and hidden-file dots, and never cuts an emoji in half", () => {
    expect(sanitizeFilename("\u202Egnp.exe")).toBe("gnp.exe");
    expect(sanitizeFilename("...hidden")).toBe("hidden");
    expect(sanitizeFilename("\r\n")).toBe("download");
    const long = `${"a".repeat(199)}😀😀`;
    expect(() => contentDisposition(long)).not.toThrow();
    expect(Array.from(sanitizeFilename(long))).toHaveLength(200);
  });
});
