// Every request that calls storage is answered within the request budget. The drivers bound each storage
// call (per-try timeouts, few retries), but a request may make several; if storage still has not answered
// when the budget is nearly spent (an account that accepts connections and never answers), the request
// gets 503 with Retry-After instead of waiting, and whatever the handler finishes later is dropped.
import type { FastifyInstance } from "fastify";
import { StorageUnavailableError } from "../errors.js";
import { policyOf } from "../security/route-policy.js";
import { clip, sendProblem, toProblem } from "./problem.js";

export function installDeadline(api: FastifyInstance, budgetMs: number, bodyLimit: number): void {
  // Answer a little before the budget, so the answer is on its way when a proxy's timer would fire.
  const answerAtMs = budgetMs - Math.min(1000, budgetMs / 10);
  // preHandler: the body has been read, so only the handler's own work (storage) is timed from here on.
  api.addHook("preHandler", async (request, reply) => {
    if (!policyOf(request)?.storage) return;
    const timer = setTimeout(
      () => {
        if (reply.sent) return;
        request.log.warn(
          { event: "request_deadline", budget_ms: budgetMs },
          "storage did not answer in time",
        );
        const outage = new StorageUnavailableError(
          `Storage did not answer within the ${budgetMs / 1000} s request budget; retry later.`,
        );
        sendProblem(reply, toProblem(outage, bodyLimit), clip(request.url.split("?")[0] ?? ""));
      },
      Math.max(0, answerAtMs - reply.elapsedTime),
    );
    reply.raw.once("close", () => clearTimeout(timer));
  });
}
