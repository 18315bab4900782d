// Liveness: answers without touching storage, so a storage outage does not restart healthy replicas.
import type { FastifyInstance } from "fastify";
import type { ServiceApp } from "../../app/service-app.js";

export async function healthRoutes(api: FastifyInstance, { app }: { app: ServiceApp }): Promise<void> {
  const body = { status: "ok", service: app.name, version: app.version };
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
                    version: { type: "string" },
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
