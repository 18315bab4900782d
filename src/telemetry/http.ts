// Request spans and HTTP metrics for the API: a server span per request (continuing a caller's
// `traceparent`), active while the route's handler runs, so its storage calls and the job it submits
// join the request's trace.
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from "fastify";
import { count, recordHttp } from "./instruments.js";
import { tracer } from "./trace.js";

const spans = new WeakMap<FastifyRequest, Span>();
const UNTRACED_ROUTE = "/health";

/** Call before the routes are registered: the handlers of routes added later run inside their request's span. */
export function instrumentHttp(api: FastifyInstance): void {
  api.addHook("onRoute", (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function (this: FastifyInstance, request, reply) {
      const span = spans.get(request);
      if (!span) return handler.call(this, request, reply);
      return context.with(trace.setSpan(context.active(), span), () => handler.call(this, request, reply));
    } as RouteHandlerMethod;
  });

  api.addHook("onRequest", async (request) => {
    const route = request.routeOptions.url;
    // The platform's probes call /health every few seconds: counted in the HTTP metric, but no trace each.
    if (route === UNTRACED_ROUTE) return;
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer().startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "http.request.method": request.method,
          "url.path": request.url.split("?")[0]?.slice(0, 200),
          ...(route ? { "http.route": route } : {}),
        },
      },
      parent,
    );
    spans.set(request, span);
  });

  api.addHook("onResponse", async (request, reply) => {
    const status = reply.statusCode;
    const route = request.routeOptions.url;
    recordHttp(reply.elapsedTime, {
      "http.request.method": request.method,
      "http.response.status_code": status,
      ...(route ? { "http.route": route } : {}),
    });
    // The alerts on failed authentications and rate limiting count these (docs/monitoring.md).
    if (status === 401) count("authFailures");
    else if (status === 429) count("rateLimited");
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute("http.response.status_code", status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    spans.delete(request);
  });

  api.addHook("onRequestAbort", async (request) => {
    const span = spans.get(request);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: "client closed the connection" });
    span?.end();
    spans.delete(request);
  });
}
