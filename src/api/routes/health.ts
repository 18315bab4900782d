// Liveness: answers without touching storage, so a storage outage does not restart healthy replicas.
import type { FastifyInstance } from "fastify";
import type { ServiceApp } from "../../app/service-app.js";
import { ownVersion } from "../../own-package.js";

export async function healthRoutes(
  api: FastifyInstance,
  { app, version }: { app: ServiceApp; version: string },
): Promise<void> {
  // `version` is the service's; `praisonai_svc` the framework's, the same as `praisonai-svc --version`.
  const body = { status: "ok", service: app.name, version, praisonai_svc: ownVersion() };
  api.get(
    "/health",
    {
      config: { policy: { access: "public", rate: "none", storage: false } },
      schema: {
        summary: "Liveness check",
        response: {
          200: {
            description: "Alive",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    status: { type: "string" },
                    service: { type: "string" },
                    version: { type: "string", description: "The service's version" },
                    praisonai_svc: { type: "string", description: "The praisonai-svc version serving it" },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => body,
  );
}
