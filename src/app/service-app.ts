// ServiceApp: what a handlers file creates and exports. It only describes the service; the CLI runs it.
import type { ZodType } from "zod";
import type { JobDefinition, JobHandler } from "./handler.js";
import { jsonSchemaValidator } from "./json-schema-validator.js";
import { zodValidator } from "./validator.js";

export interface ServiceAppOptions {
  /** Shown by /health and in the OpenAPI document. @default the `version` in the project's package.json, else "0.0.0" */
  version?: string;
  /** One-paragraph description for the OpenAPI document. */
  description?: string;
  /** A valid sample payload: shown in the docs and in the `curl` line `praisonai-svc run` prints. */
  example?: unknown;
}

const BRAND = Symbol.for("praisonai-svc.ServiceApp");

/**
 * A job service defined by one handler.
 * @example
 * const app = new ServiceApp("PraisonAI PPT");
 * app.job({ schema: Deck }, async (deck, ctx) => ({ data, contentType, filename: "slides.pptx" }));
 * export default app;
 */
export class ServiceApp {
  readonly [BRAND] = true;
  readonly name: string;
  readonly options: Readonly<ServiceAppOptions>;
  #definition: JobDefinition | undefined;

  constructor(name: string, options: ServiceAppOptions = {}) {
    if (typeof name !== "string" || name.trim() === "") throw new TypeError("ServiceApp needs a name");
    this.name = name;
    this.options = { ...options };
  }

  /** Registers the job handler; the payload is whatever JSON/YAML the client posted. */
  job(handler: JobHandler<unknown>): this;
  /** Registers the job handler with a zod schema that validates the payload before it is queued. */
  job<P>(options: { schema: ZodType<P> }, handler: JobHandler<P>): this;
  /**
   * Registers the job handler with a JSON Schema (2020-12) that validates the payload before it is queued.
   * @example app.job({ jsonSchema: { type: "object", required: ["title"] } }, handler)
   */
  job<P = unknown>(options: { jsonSchema: Record<string, unknown> }, handler: JobHandler<P>): this;
  job<P>(
    a: JobHandler<unknown> | { schema: ZodType<P> } | { jsonSchema: Record<string, unknown> },
    b?: JobHandler<P>,
  ): this {
    if (this.#definition) throw new Error(`ServiceApp "${this.name}" already has a job handler`);
    if (typeof a === "function") {
      this.#definition = { handler: a };
    } else if (a && "schema" in a && typeof b === "function") {
      const schema = a.schema as ZodType<unknown>;
      this.#definition = { handler: b as JobHandler<unknown>, schema, validator: zodValidator(schema) };
    } else if (a && "jsonSchema" in a && typeof b === "function") {
      this.#definition = { handler: b as JobHandler<unknown>, validator: jsonSchemaValidator(a.jsonSchema) };
    } else {
      throw new TypeError("app.job expects (handler), ({ schema }, handler) or ({ jsonSchema }, handler)");
    }
    return this;
  }

  /** The registered job; throws when the handlers file never called `app.job`. */
  get definition(): JobDefinition {
    if (!this.#definition) {
      throw new Error(
        `ServiceApp "${this.name}" has no job handler: call app.job(handler) in the handlers file`,
      );
    }
    return this.#definition;
  }

  get version(): string {
    return this.options.version ?? "0.0.0";
  }

  /** True for a ServiceApp, also one created by another copy of this package. */
  static is(value: unknown): value is ServiceApp {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
