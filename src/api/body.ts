// Request bodies: JSON (Fastify's prototype-safe parser) and YAML; every other media type gets 415.
import type { FastifyInstance } from "fastify";
import { parseYaml } from "../util/yaml.js";
import { problem } from "./problem.js";

export const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml"];

export function installBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser(YAML_TYPES, { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, parseYaml(body as string));
    } catch (error) {
      done(problem(400, `The YAML body could not be parsed: ${(error as Error).message}`), undefined);
    }
  });
}
