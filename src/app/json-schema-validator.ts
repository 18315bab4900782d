// A JSON Schema (2020-12) as the payload's validator: what a Python handler's Pydantic model exports.
// Compiled once, at start-up, with ajv (Fastify's own validator, already in the dependency tree).
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { formatPath, type PayloadIssue, type PayloadValidator } from "./validator.js";

/** Throws a TypeError naming the problem when the schema itself is not valid JSON Schema. */
export function jsonSchemaValidator(schema: Record<string, unknown>): PayloadValidator {
  // strict: false: Pydantic writes annotations ajv does not know (e.g. `title` on $defs) and that is fine.
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const { $schema: _drop, ...json } = schema;
  let check: ReturnType<Ajv2020["compile"]>;
  try {
    check = ajv.compile(json);
  } catch (error) {
    throw new TypeError(`the payload's JSON Schema is not valid: ${(error as Error).message}`);
  }
  return {
    validate(payload) {
      if (check(payload)) return { ok: true, value: payload };
      return { ok: false, issues: (check.errors ?? []).map(toIssue) };
    },
    jsonSchema: async () => json,
  };
}

function toIssue(e: ErrorObject): PayloadIssue {
  const path: (string | number)[] = e.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  if (e.keyword === "required" && params.missingProperty) {
    return { path: formatPath([...path, params.missingProperty]), message: "is required" };
  }
  if (e.keyword === "additionalProperties" && params.additionalProperty) {
    return { path: formatPath([...path, params.additionalProperty]), message: "is not allowed" };
  }
  return { path: formatPath(path), message: e.message ?? e.keyword };
}
