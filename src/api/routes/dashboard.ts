// /admin: the admin dashboard, a static page and its script and style. They hold no data and need no key;
// the script asks for the admin key once and calls the admin API with it (see api/dashboard/).
import type { FastifyInstance } from "fastify";
import type { ServiceApp } from "../../app/service-app.js";
import type { RoutePolicy } from "../../security/route-policy.js";
import { DASHBOARD_JS } from "../dashboard/client.js";
import { DASHBOARD_CSP, DASHBOARD_CSS, dashboardHtml } from "../dashboard/page.js";

const PAGE: RoutePolicy = { access: "public", rate: "read", storage: false, page: { csp: DASHBOARD_CSP } };

export async function dashboardRoutes(api: FastifyInstance, { app }: { app: ServiceApp }) {
  const html = dashboardHtml(app.name);
  const asset = (url: string, type: string, body: string) =>
    api.get(url, { config: { policy: PAGE }, schema: { hide: true } }, async (_request, reply) =>
      reply.type(type).header("cache-control", "no-cache").send(body),
    );
  asset("/admin", "text/html; charset=utf-8", html);
  asset("/admin/dashboard.js", "text/javascript; charset=utf-8", DASHBOARD_JS);
  asset("/admin/dashboard.css", "text/css; charset=utf-8", DASHBOARD_CSS);
}
