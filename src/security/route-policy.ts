// What every route declares about itself: who may call it, which rate limit counts it, whether it needs
// storage, and (for pages) its Content-Security-Policy. Authentication, rate limits and security headers
// read the declaration; none of them keeps a list of paths, so a new route is one declaration away from
// being protected, and an API with an undeclared route refuses to start.
import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";

/** `public`: anyone; `caller`: a valid API key or token (once keys or tokens are configured); `admin`: the key named admin. */
export type Access = "public" | "caller" | "admin";

/** `submit`: the shared per-client submission limit; `read`: the per-replica limit for everything else. */
export type RateScope = "submit" | "read";

export interface RoutePolicy {
  access: Access;
  /** The limit that counts a request; "none" only for what must always answer (liveness, docs). */
  rate: RateScope | "none";
  /** The route calls storage, so it may answer 503 with Retry-After while storage is unreachable. */
  storage: boolean;
  /** An HTML page (and its assets) instead of a JSON answer: the CSP its scripts need; page assets may be cached. */
  page?: { csp: string };
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Required on every route: see src/security/route-policy.ts. */
    policy?: RoutePolicy;
  }
  interface FastifyInstance {
    /** Every route registered so far, with its declaration (HEAD routes Fastify adds included). */
    readonly declaredRoutes: readonly DeclaredRoute[];
  }
}

export interface DeclaredRoute {
  method: string;
  url: string;
  policy: RoutePolicy;
}

/** The declaration of the route a request matched; undefined for a request no route matched (404). */
export const policyOf = (request: FastifyRequest): RoutePolicy | undefined =>
  request.routeOptions.config?.policy;

/**
 * Records every route and refuses to start (ready/listen/inject) while one has no declaration. Checked at
 * ready rather than at registration: a scope's onRoute hook (see `withPolicy`) runs after this one.
 */
export function requireRoutePolicies(api: FastifyInstance): void {
  const registered: RouteOptions[] = [];
  const declared = (): DeclaredRoute[] =>
    registered.flatMap((route) =>
      ([] as string[]).concat(route.method).map((method) => ({
        method,
        url: route.url,
        policy: route.config?.policy as RoutePolicy,
      })),
    );
  api.decorate("declaredRoutes", { getter: declared });
  api.addHook("onRoute", (route: RouteOptions) => void registered.push(route));
  api.addHook("onReady", async () => {
    const missing = declared().filter((r) => !r.policy);
    if (missing.length > 0) {
      const list = missing.map((r) => `${r.method} ${r.url}`).join(", ");
      throw new Error(
        `Every route must declare its policy (config: { policy: { access, rate, storage } }, see src/security/route-policy.ts); missing on: ${list}.`,
      );
    }
  });
}

/**
 * Registers routes a plugin adds (which cannot declare anything themselves) under one policy, e.g. the
 * interactive docs. Encapsulated: the policy reaches only the routes `register` adds.
 */
export async function withPolicy(
  api: FastifyInstance,
  policy: RoutePolicy,
  register: (scope: FastifyInstance) => Promise<void>,
): Promise<void> {
  await api.register(async (scope) => {
    scope.addHook("onRoute", (route: RouteOptions) => {
      route.config = { ...route.config, policy: route.config?.policy ?? policy };
    });
    await register(scope);
  });
}
