// CORS for the WordPress widget, answered by @fastify/cors with the rule in cors-policy.ts. No origin
// configured: no CORS headers at all. A configured origin is echoed (never `*`); any other origin gets no
// CORS headers, and its preflight 403 problem+json before authentication.
import cors from "@fastify/cors";
import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import { HttpProblem } from "../errors.js";
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_S, CORS_METHODS } from "./cors-policy.js";

const isPreflight = (request: FastifyRequest) =>
  request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined;

export async function installCors(api: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  // The OPTIONS route @fastify/cors adds: preflights are answered in its hook before any route runs;
  // what reaches the route (a plain OPTIONS) needs credentials like any other request, then gets 404.
  api.addHook("onRoute", (route: RouteOptions) => {
    if (route.method === "OPTIONS" && route.url === "*") {
      route.config = { ...route.config, policy: { access: "caller", rate: "read", storage: false } };
    }
  });
  await api.register(cors, {
    // Per request: the answer depends on Origin (so every response varies on it) and on whether it is a preflight.
    delegator: (request, callback) => {
      const origin = request.headers.origin;
      if (typeof origin !== "string" || !allowed.has(origin)) {
        if (!isPreflight(request)) return callback(null, { origin: false });
        return callback(
          new HttpProblem(
            403,
            "This origin may not call the API from a browser; ask the operator to add it to PRAISONAI_SVC_CORS_ORIGINS.",
            { headers: { vary: "Origin" } },
          ),
        );
      }
      callback(null, {
        origin,
        methods: CORS_METHODS,
        allowedHeaders: CORS_ALLOWED_HEADERS,
        exposedHeaders: CORS_EXPOSED_HEADERS,
        maxAge: CORS_MAX_AGE_S,
        // A plain OPTIONS (no Access-Control-Request-Method) is not a preflight: it goes on to the routes.
        preflight: isPreflight(request),
      });
    },
  });
}
