// Request bodies: JSON (Fastify's prototype-safe parser) and YAML; every other media type gets 415.

import type { FastifyInstance } from "fastify";
import { HttpProblem } from "../errors.js";
import { MAX_DEPTH, unsafeShape } from "../security/payload-shape.js";
import { jsonDepthExceeds } from "../security/prescan.js";
import { clip } from "./problem.js";

export const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml"];

export function installBodyParsers(app: FastifyInstance): void {
  // A compressed body would be parsed as if it were plain text; nothing here decodes one. preParsing: after
  // authentication (onRequest), before a byte of the body is read.
  app.addHook("preParsing", async (request) => {
    // A route that takes no body (the requeue action) ignores whatever is sent, however it is encoded.
    if (request.routeOptions.schema && !request.routeOptions.schema.body) return;
    const encoding = request.headers["content-encoding"];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
      throw new HttpProblem(
        415,
        `Content-Encoding ${clip(encoding)} is not accepted; send the body uncompressed.`,
      );
    }
  });
  app.removeContentTypeParser("text/plain");
  // Fastify's JSON parser (secure-json-parse) already refuses __proto__ and constructor.prototype;
  // the shape check adds a depth bound before validation and hashing walk the payload recursively.
  const json = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    // Refused before parsing: a megabyte of brackets would otherwise become a million nested arrays.
    if (jsonDepthExceeds(body as string, MAX_DEPTH)) {
      return done(
        new HttpProblem(400, `The payload is nested more than ${MAX_DEPTH} levels deep.`),
        undefined,
      );
    }
    json(req, body as string, (error: Error | null, value?: unknown) => {
      if (error) {
        const proto = /forbidden prototype property/.test(error.message);
        return done(
          proto ? new HttpProblem(400, `The JSON body was refused: ${error.message}.`) : error,
          undefined,
        );
      }
      const unsafe = unsafeShape(value);
      if (unsafe) return done(new HttpProblem(400, unsafe), undefined);
      done(null, value);
    });
  });
  // The YAML parser is loaded with the first YAML body: most services only ever see JSON (start-up time).
  app.addContentTypeParser(
    YAML_TYPES,
    { parseAs: "string" },
    async (_req: unknown, body: string | Buffer) => {
      const { parseYaml } = await import("../security/yaml.js");
      try {
        return parseYaml(body as string);
      } catch (error) {
        throw new HttpProblem(400, `The YAML body could not be parsed: ${(error as Error).message}`);
      }
    },
  );
}
