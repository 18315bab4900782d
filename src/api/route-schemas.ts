// What the job routes share in their declarations: the read policy, the id parameter, problem answers.
import type { RoutePolicy } from "../security/route-policy.js";
import { problemSchema } from "./job-view.js";

/** Problem answers for a route's OpenAPI description. */
export const problems = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [c, { content: { "application/problem+json": { schema: problemSchema } } }]),
  );

/** Reading a job: its owner only (others get 404), counted by the read limit. */
export const READ: RoutePolicy = { access: "caller", rate: "read", storage: true };

export const idParams = {
  type: "object",
  properties: { id: { type: "string", format: "uuid" } },
  required: ["id"],
} as const;
