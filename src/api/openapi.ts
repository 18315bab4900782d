// The OpenAPI document (/openapi.json) and interactive docs (/docs), generated from the routes and the handler's schema.
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import type { ServiceApp } from "../app/service-app.js";
import type { PayloadValidator } from "../app/validator.js";
import type { ServiceConfig } from "../config/config.js";
import { DOCS_CSP } from "../security/headers.js";
import { type RoutePolicy, withPolicy } from "../security/route-policy.js";

/** The payload's JSON Schema (input side), or any object when the handler has no schema. */
export function payloadJsonSchema(
  validator: PayloadValidator | undefined,
  example?: unknown,
): Record<string, unknown> {
  const examples = example === undefined || example === null ? {} : { examples: [example] };
  if (!validator) return { type: "object", additionalProperties: true, ...examples };
  return { ...validator.jsonSchema(), ...examples };
}

type SecurityScheme =
  | { type: "apiKey"; in: "header"; name: string }
  | { type: "http"; scheme: "bearer"; bearerFormat: string };

/** The credentials the API accepts, so /docs offers an "Authorize" button for them. */
function securityOf(config: ServiceConfig) {
  const schemes: Record<string, SecurityScheme> = {};
  if (config.apiKeys.length > 0) schemes.apiKey = { type: "apiKey", in: "header", name: "X-API-Key" };
  if (config.jwtSecret || config.jwtPublicKey)
    schemes.bearer = { type: "http", scheme: "bearer", bearerFormat: "JWT" };
  const names = Object.keys(schemes);
  return names.length === 0
    ? {}
    : { components: { securitySchemes: schemes }, security: names.map((name) => ({ [name]: [] })) };
}

export async function installOpenApi(
  api: FastifyInstance,
  app: ServiceApp,
  config: ServiceConfig,
  version: string,
): Promise<void> {
  await api.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: app.name,
        version,
        description: app.options.description ?? `${app.name}: submit a job, poll it, download its file.`,
      },
      ...securityOf(config),
    },
  });
  // They describe the API, never a job: public unless PRAISONAI_SVC_DOCS_PUBLIC=false.
  const policy: RoutePolicy = config.docsPublic
    ? { access: "public", rate: "none", storage: false, page: { csp: DOCS_CSP } }
    : { access: "caller", rate: "read", storage: false, page: { csp: DOCS_CSP } };
  await withPolicy(api, policy, async (docs) => {
    await docs.register(swaggerUi, { routePrefix: "/docs" });
    docs.get("/openapi.json", { schema: { hide: true } }, async () => api.swagger());
  });
}
