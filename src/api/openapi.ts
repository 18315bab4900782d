// The OpenAPI document (/openapi.json) and interactive docs (/docs), generated from the routes and the handler's schema.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServiceApp } from "../app/service-app.js";
import type { PayloadValidator } from "../app/validator.js";
import type { ServiceConfig } from "../config/config.js";
import { DOCS_CSP } from "../security/headers.js";
import { type RoutePolicy, withPolicy } from "../security/route-policy.js";
import { lazyDocument, type OpenApiDocument, recordRoutes } from "./openapi-document.js";

/** The payload's JSON Schema (input side), or any object when the handler has no schema. */
export async function payloadJsonSchema(
  validator: PayloadValidator | undefined,
  example?: unknown,
): Promise<Record<string, unknown>> {
  const examples = example === undefined || example === null ? {} : { examples: [example] };
  if (!validator) return { type: "object", additionalProperties: true, ...examples };
  return { ...(await validator.jsonSchema()), ...examples };
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
  // The document is built by the first /openapi.json or /docs request (openapi-document.ts), not at start-up.
  const document = lazyDocument(api, recordRoutes(api), {
    openapi: "3.1.0",
    info: {
      title: app.name,
      version,
      description: app.options.description ?? `${app.name}: submit a job, poll it, download its file.`,
    },
    ...securityOf(config),
  });
  // They describe the API, never a job: public unless PRAISONAI_SVC_DOCS_PUBLIC=false.
  const policy: RoutePolicy = config.docsPublic
    ? { access: "public", rate: "none", storage: false, page: { csp: DOCS_CSP } }
    : { access: "caller", rate: "read", storage: false, page: { csp: DOCS_CSP } };
  // The interactive docs (@fastify/swagger-ui, its static-file server and a YAML writer) are loaded by the
  // first /docs request, not at start-up, where they cost ~0.1 s that /health would wait for.
  let ui: Promise<FastifyInstance> | undefined;
  const serveUi = async (request: FastifyRequest, reply: FastifyReply) => {
    ui ??= document().then(docsUi);
    ui.catch(() => {
      ui = undefined; // a failed load is tried again by the next request
    });
    const res = await (await ui).inject({ method: "GET", url: request.url, headers: request.headers });
    for (const name of ["content-type", "location", "cache-control", "etag", "last-modified"]) {
      const value = res.headers[name];
      if (value !== undefined) reply.header(name, value);
    }
    return reply.code(res.statusCode).send(res.rawPayload);
  };
  await withPolicy(api, policy, async (docs) => {
    docs.get("/docs", { schema: { hide: true } }, serveUi);
    docs.get("/docs/*", { schema: { hide: true } }, serveUi);
    docs.get("/openapi.json", { schema: { hide: true } }, async () => document());
  });
}

/** A private Fastify instance serving swagger-ui for the finished OpenAPI document; /docs requests are passed to it. */
async function docsUi(document: OpenApiDocument): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }] = await Promise.all([
    import("fastify"),
    import("@fastify/swagger"),
    import("@fastify/swagger-ui"),
  ]);
  const ui = Fastify({ logger: false });
  await ui.register(swagger, { mode: "static", specification: { document: document as never } });
  await ui.register(swaggerUi, { routePrefix: "/docs" });
  await ui.ready();
  return ui;
}
