// Standard Webhooks signing (https://www.standardwebhooks.com): the headers a receiver verifies with any of
// the format's libraries, given the same `whsec_` secret.
import { createHmac } from "node:crypto";

/**
 * The three headers of one signed delivery: `webhook-signature` is `v1,` and the base64 HMAC-SHA256, keyed
 * with the secret's bytes (the base64 after `whsec_`), of `<id>.<timestamp>.<body>`.
 */
export function webhookHeaders(
  secret: string,
  id: string,
  body: string,
  now = new Date(),
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}
