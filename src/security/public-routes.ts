// Which routes answer without a key: /health always; the API docs unless PRAISONAI_SVC_DOCS_PUBLIC=false.
// Decided on the matched route pattern, not the raw URL, so `/health/../jobs`-style paths cannot borrow it.
import type { FastifyRequest } from "fastify";

/** True for the interactive docs and the OpenAPI document (they show the API's shape, never a job). */
export function isDocsRoute(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route === "/openapi.json" || route === "/docs" || (route?.startsWith("/docs/") ?? false);
}

export function isPublicRoute(request: FastifyRequest, publicDocs: boolean): boolean {
  return request.routeOptions.url === "/health" || (publicDocs && isDocsRoute(request));
}
