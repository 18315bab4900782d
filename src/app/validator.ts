// How a payload is checked before it is queued: one interface, with a zod and a JSON Schema driver.
import type { ZodType, z } from "zod";

type ToJSONSchemaParams = NonNullable<Parameters<typeof z.toJSONSchema>[1]>;

export interface PayloadIssue {
  /** Where in the payload: `slides[0].title`, or `(root)`. */
  path: string;
  message: string;
}

export type Validation = { ok: true; value: unknown } | { ok: false; issues: PayloadIssue[] };

/** Validates payloads and describes them (input side) for /openapi.json. */
export interface PayloadValidator {
  validate(payload: unknown): Validation;
  /** Asynchronous so that zod (~0.1 s of module loading) is imported only by a service that has a zod schema. */
  jsonSchema(): Promise<Record<string, unknown>>;
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
    async jsonSchema() {
      const params: ToJSONSchemaParams = {
        io: "input",
        unrepresentable: "any",
        override: ({ zodSchema, jsonSchema }) => describeTrimmed(zodSchema, jsonSchema),
      };
      const { $schema: _drop, ...json } = (await toJSONSchema(schema, params)) as Record<string, unknown>;
      return json;
    },
  };
}

/**
 * The schema described by the zod it was built with: zod 4's classic schemas carry `toJSONSchema()`, the
 * same conversion as `z.toJSONSchema()` (each schema brings its own JSON Schema processor). `praisonai-svc
 * build` bundles zod into dist/handlers.mjs, so importing "zod" here would load a second copy from
 * node_modules (~60-90 ms and its memory) just to describe a schema the bundled copy can describe.
 * A schema without the method (zod/mini's) goes through "zod" itself, imported only then: a service
 * without a zod schema (no schema, or a Python handler's JSON Schema) never loads zod before /health answers.
 */
async function toJSONSchema(schema: ZodType, params: ToJSONSchemaParams): Promise<unknown> {
  const own = (schema as { toJSONSchema?: unknown }).toJSONSchema;
  if (typeof own === "function") return own.call(schema, params);
  const { z } = await import("zod");
  return z.toJSONSchema(schema, params);
}

/** What zod's own checks on a string look like (zod 4 internals: `.trim()` is an overwrite check). */
type StringCheck = {
  _zod: { def: { check: string; minimum?: number; maximum?: number; tx?: (v: string) => unknown } };
};

/**
 * A trimmed string's length limits hold after trimming, which minLength/maxLength cannot say: `" "` passes
 * minLength 1 and is then refused, `" " + 5 × "x"` fails maxLength 5 and is then accepted. The limits become
 * one anchored pattern instead (JS `\s` is exactly what String.prototype.trim removes): optional outer
 * white space around a core of min..max characters that starts and ends with a visible one.
 */
function describeTrimmed(schema: unknown, json: Record<string, unknown>): void {
  const def = (schema as { _zod?: { def?: { type?: string; checks?: StringCheck[] } } })._zod?.def;
  if (def?.type !== "string" || !def.checks) return;
  const checks = def.checks.map((c) => c._zod.def);
  // Recognised by what it does, as zod names no check "trim".
  if (!checks.some((c) => c.check === "overwrite" && c.tx?.(" \t x \n") === "x")) return;
  const min = Math.max(0, ...checks.filter((c) => c.check === "min_length").map((c) => c.minimum ?? 0));
  const maxes = checks.filter((c) => c.check === "max_length").map((c) => c.maximum ?? Infinity);
  const max = maxes.length > 0 ? Math.min(...maxes) : undefined;
  if (min === 0 && max === undefined) return;
  const pattern = `^\\s*${trimmedCore(min, max)}\\s*$`;
  if (typeof json.pattern === "string") json.allOf = [...((json.allOf as unknown[]) ?? []), { pattern }];
  else json.pattern = pattern;
  delete json.minLength;
  delete json.maxLength;
}

/** A regular expression for min..max characters (max undefined: no limit) with no white space at either end. */
function trimmedCore(min: number, max: number | undefined): string {
  if (max === 0) return "";
  const inner = max === undefined ? "" : String(max - 2);
  if (min >= 2) return `\\S[\\s\\S]{${min - 2},${inner}}\\S`;
  const visible = max === 1 ? "\\S" : `\\S(?:[\\s\\S]{0,${inner}}\\S)?`;
  return min === 1 ? visible : `(?:${visible})?`;
}
