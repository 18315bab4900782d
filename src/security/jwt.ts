// WordPress-issued tokens, for a browser widget that must not hold an API key: `Authorization: Bearer <JWT>`, verified with jose.
// One algorithm is pinned by the configured key (HS256 for a shared secret, RS256 for a public key),
// so `alg: none` and algorithm-confusion tokens are refused; exp, aud and iss are always checked.
import { createPublicKey, createSecretKey, type KeyObject } from "node:crypto";
import type { errors as JoseErrors } from "jose";
import { ConfigError, PraisonError } from "../errors.js";
import { Secret } from "./secret.js";

/** Clock difference tolerated between WordPress and this service when checking exp/nbf/iat. */
export const CLOCK_TOLERANCE_S = 30;
/** Longer tokens are refused unread. */
export const MAX_TOKEN_LENGTH = 8192;
const MAX_SUBJECT_LENGTH = 256;
const MIN_SECRET_LENGTH = 32;

export interface JwtSettings {
  jwtSecret: Secret | undefined;
  jwtPublicKey: KeyObject | undefined;
  jwtAudience: string;
  jwtIssuer: string;
}

/** A token that does not authenticate anyone; `detail` is safe to show the caller (it quotes no token). */
export class JwtRejected extends PraisonError {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super("TOKEN_REJECTED", detail);
  }
}

export interface JwtVerifier {
  readonly algorithm: "HS256" | "RS256";
  /** The principal (`sub:<subject>`) of a valid token; throws JwtRejected otherwise. */
  verify(token: string): Promise<string>;
}

/** PRAISONAI_SVC_JWT_SECRET: the HS256 secret shared with WordPress. The message never quotes it. */
export function parseJwtSecret(raw: string, name: string): Secret | undefined {
  if (raw === "") return undefined;
  if (Buffer.byteLength(raw, "utf8") < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `${name} is too short: use at least ${MIN_SECRET_LENGTH} bytes (for example \`openssl rand -hex 32\`).`,
    );
  }
  return new Secret(raw);
}

/** PRAISONAI_SVC_JWT_PUBLIC_KEY: an RSA public key (PEM, SPKI), newlines as real line breaks or `\n`. */
export function parseJwtPublicKey(raw: string, name: string): KeyObject | undefined {
  if (raw === "") return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey(raw.replace(/\\n/g, "\n"));
  } catch {
    throw new ConfigError(
      `${name} is not a PEM public key: paste the "-----BEGIN PUBLIC KEY-----" block (line breaks may be written as \\n).`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== "rsa" || bits < 2048) {
    throw new ConfigError(`${name} must be an RSA public key of at least 2048 bits (tokens are RS256).`);
  }
  return key;
}

/** The verifier for the configured key, or undefined when tokens are not enabled. Throws ConfigError on a bad combination. */
export function createJwtVerifier(s: JwtSettings): JwtVerifier | undefined {
  if (!s.jwtSecret && !s.jwtPublicKey) {
    if (s.jwtAudience || s.jwtIssuer) {
      throw new ConfigError(
        "PRAISONAI_SVC_JWT_AUDIENCE/PRAISONAI_SVC_JWT_ISSUER are set but no key is: set PRAISONAI_SVC_JWT_SECRET (HS256) or PRAISONAI_SVC_JWT_PUBLIC_KEY (RS256).",
      );
    }
    return undefined;
  }
  if (s.jwtSecret && s.jwtPublicKey) {
    throw new ConfigError(
      "Set PRAISONAI_SVC_JWT_SECRET (HS256) or PRAISONAI_SVC_JWT_PUBLIC_KEY (RS256), not both: the key decides the one accepted algorithm.",
    );
  }
  for (const [env, value] of [
    ["PRAISONAI_SVC_JWT_AUDIENCE", s.jwtAudience],
    ["PRAISONAI_SVC_JWT_ISSUER", s.jwtIssuer],
  ] as const) {
    if (!value)
      throw new ConfigError(`${env} is required when tokens are enabled: tokens are checked against it.`);
  }
  const algorithm = s.jwtSecret ? "HS256" : "RS256";
  // A KeyObject made once: jose would otherwise import a raw secret again on every verification.
  const key = s.jwtSecret
    ? createSecretKey(Buffer.from(s.jwtSecret.reveal(), "utf8"))
    : (s.jwtPublicKey as KeyObject);
  const options = {
    algorithms: [algorithm],
    audience: s.jwtAudience,
    issuer: s.jwtIssuer,
    requiredClaims: ["exp", "sub"],
    clockTolerance: CLOCK_TOLERANCE_S,
  };

  return {
    algorithm,
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) throw new JwtRejected("too_long", "The token is too long.");
      // jose is loaded with the first token: a service without tokens never pays for it (start-up time).
      const jose = await import("jose");
      let sub: unknown;
      try {
        ({
          payload: { sub },
        } = await jose.jwtVerify(token, key, options));
      } catch (error) {
        throw rejection(error, algorithm, jose.errors);
      }
      if (typeof sub !== "string" || sub === "" || sub.length > MAX_SUBJECT_LENGTH) {
        throw new JwtRejected("bad_subject", `The token's "sub" must be 1-${MAX_SUBJECT_LENGTH} characters.`);
      }
      return `sub:${sub}`;
    },
  };
}

function rejection(error: unknown, algorithm: string, errors: typeof JoseErrors): JwtRejected {
  if (error instanceof errors.JWTExpired) return new JwtRejected("expired", "The token has expired.");
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new JwtRejected(
      `claim_${error.claim}`,
      `The token's "${error.claim}" claim is ${error.reason === "missing" ? "missing" : "not accepted"}.`,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new JwtRejected("algorithm", `The token must be signed with ${algorithm}.`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new JwtRejected("signature", "The token's signature is not valid.");
  }
  return new JwtRejected("malformed", "The token is not a valid signed JWT.");
}
