// Payload validation against the handler's validator (zod or JSON Schema): 422 naming every failing path.
import type { PayloadValidator } from "../app/validator.js";
import { HttpProblem } from "../errors.js";

const MAX_LISTED = 20;

export function validatePayload(validator: PayloadValidator | undefined, body: unknown): unknown {
  if (!validator) {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new HttpProblem(422, "The payload must be a JSON object or a YAML mapping.", {
        extra: { errors: [{ path: "(root)", message: "expected an object" }] },
      });
    }
    return body;
  }
  const result = validator.validate(body);
  if (result.ok) return result.value;
  const errors = result.issues.slice(0, MAX_LISTED);
  const listed = errors.map((e) => `${e.path}: ${e.message}`).join("; ");
  const more = result.issues.length > MAX_LISTED ? ` (and ${result.issues.length - MAX_LISTED} more)` : "";
  throw new HttpProblem(422, `The payload does not match the service's schema: ${listed}${more}.`, {
    extra: { errors },
  });
}
