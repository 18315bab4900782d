// The OpenAPI document (/openapi.json) and interactive docs (/docs), generated from the routes and the handler's schema.
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { type ZodType, z } from "zod";
import type { ServiceApp } from "../app/service-app.js";

/** The payload's JSON Schema (input side), or any object when the handler has no schema. */
export function payloadJsonSchema(schema: ZodType | undefined, example?: unknown): Record<string, unknown> {
  const examples = example === undefined ? {} : { examples: [example] };
  if (!schema) return { type: "object", additionalProperties: true, ...examples };
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return { ...json, ...examples };
}

export async function installOpenApi(api: FastifyInstance, app: ServiceApp): Promise<void> {
  await api.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: app.name,
        version: app.version,
        description: app.options.description ?? `${app.name}: submit a job, poll it, download its file.`,
      },
    },
  });
  await api.register(swaggerUi, { routePrefix: "/docs" });
  api.get("/openapi.json", { schema: { hide: true } }, async () => api.swagger());
}
