// Payload validation against the handler's zod schema: 422 naming every failing path.

import type { ZodType } from "zod";
import { HttpProblem } from "../errors.js";

const MAX_LISTED = 20;

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(root)" : out;
}

export function validatePayload(schema: ZodType | undefined, body: unknown): unknown {
  if (!schema) {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new HttpProblem(422, "The payload must be a JSON object or a YAML mapping.", {
        extra: { errors: [{ path: "(root)", message: "expected an object" }] },
      });
    }
    return body;
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors = result.error.issues
    .slice(0, MAX_LISTED)
    .map((i) => ({ path: formatPath(i.path), message: i.message }));
  const listed = errors.map((e) => `${e.path}: ${e.message}`).join("; ");
  const more =
    result.error.issues.length > MAX_LISTED ? ` (and ${result.error.issues.length - MAX_LISTED} more)` : "";
  throw new HttpProblem(422, `The payload does not match the service's schema: ${listed}${more}.`, {
    extra: { errors },
  });
}
