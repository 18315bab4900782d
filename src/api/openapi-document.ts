// The OpenAPI document, built on its first request instead of at start-up. Registering @fastify/swagger on
// the API made every start load it (with its YAML writer and schema resolver) before /health could answer,
// for a document most starts never serve. Instead the API's routes are recorded as they are added, and the
// first /openapi.json or /docs request replays them into a private Fastify instance with @fastify/swagger
// registered: the same route options through the same plugin, so the same document, byte for byte
// (test/openapi-document.test.ts pins it).
import Fastify, { type FastifyInstance, type RouteOptions } from "fastify";

/** @fastify/swagger's `openapi` option: the document's fixed part (version, info, security schemes). */
export type OpenApiBase = Record<string, unknown>;

export type OpenApiDocument = Record<string, unknown>;

/**
 * Records every route added to `api` from now on, as @fastify/swagger registered here would: the options
 * object itself, so what later onRoute hooks change (route-answers.ts adds answers, `withPolicy` sets the
 * policy) is in it when the document is built.
 */
export function recordRoutes(api: FastifyInstance): readonly RouteOptions[] {
  const routes: RouteOptions[] = [];
  api.addHook("onRoute", (route: RouteOptions) => void routes.push(route));
  return routes;
}

/**
 * The document of the recorded routes, built by the first call (after the API is ready, when every route is
 * in); later calls get the same object. A failed build is tried again by the next call.
 */
export function lazyDocument(
  api: FastifyInstance,
  routes: readonly RouteOptions[],
  base: OpenApiBase,
): () => Promise<OpenApiDocument> {
  let document: Promise<OpenApiDocument> | undefined;
  return () => {
    if (!document) {
      document = buildDocument(api, routes, base);
      document.catch(() => {
        document = undefined;
      });
    }
    return document;
  };
}

async function buildDocument(
  api: FastifyInstance,
  routes: readonly RouteOptions[],
  base: OpenApiBase,
): Promise<OpenApiDocument> {
  const { default: swagger } = await import("@fastify/swagger");
  // No HEAD twins of GET routes (@fastify/swagger leaves them out of the document anyway), and no schema
  // compiled: the API validates payloads with the handler's own validator, and nothing here answers requests.
  const doc = Fastify({ logger: false, exposeHeadRoutes: false });
  doc.setValidatorCompiler(() => () => true);
  doc.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // Shared schemas a route's $ref may name (@fastify/swagger reads them from the instance it serves).
  for (const schema of Object.values(api.getSchemas())) doc.addSchema(schema);
  await doc.register(swagger, { openapi: base });
  for (const route of routes) {
    if (route.method === "HEAD") continue;
    const extra = route as RouteOptions & { links?: unknown };
    doc.route({
      method: route.method,
      url: route.url,
      schema: route.schema,
      config: route.config,
      ...(route.constraints ? { constraints: route.constraints } : {}),
      // A route's OpenAPI links (read by @fastify/swagger from the options; none of ours has them today).
      ...(extra.links ? { links: extra.links } : {}),
      handler: async () => undefined,
    } as RouteOptions);
  }
  await doc.ready();
  const document = doc.swagger() as unknown as OpenApiDocument;
  await doc.close();
  return document;
}
