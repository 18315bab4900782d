// How a payload is checked before it is queued: one interface, with a zod and a JSON Schema driver.
import type { ZodType } from "zod";
import { z } from "zod";

export interface PayloadIssue {
  /** Where in the payload: `slides[0].title`, or `(root)`. */
  path: string;
  message: string;
}

export type Validation = { ok: true; value: unknown } | { ok: false; issues: PayloadIssue[] };

/** Validates payloads and describes them (input side) for /openapi.json. */
export interface PayloadValidator {
  validate(payload: unknown): Validation;
  jsonSchema(): Record<string, unknown>;
}

/** `slides[0].title` for ["slides", 0, "title"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(root)" : out;
}

/** A zod schema (a TypeScript handler's `schema`); its output (with defaults, transforms) is what gets queued. */
export function zodValidator(schema: ZodType): PayloadValidator {
  return {
    validate(payload) {
      const result = schema.safeParse(payload);
      if (result.success) return { ok: true, value: result.data };
      return {
        ok: false,
        issues: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      };
    },
    jsonSchema() {
      const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
        io: "input",
        unrepresentable: "any",
      }) as Record<string, unknown>;
      return json;
    },
  };
}
