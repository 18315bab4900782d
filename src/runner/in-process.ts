// Runs a TypeScript/JavaScript handler in the worker process.
import type { JobDefinition } from "../app/handler.js";
import { toJobFile } from "../app/handler.js";
import type { HandlerRunner } from "./types.js";

export function inProcessRunner(definition: JobDefinition): HandlerRunner {
  return {
    async run(payload, ctx) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      // A handler that ignores its signal still loses the race: the job ends when the signal fires.
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(ctx.signal.reason);
        ctx.signal.addEventListener("abort", onAbort, { once: true });
      });
      try {
        const result = await Promise.race([
          Promise.resolve().then(() => definition.handler(payload, ctx)),
          aborted,
        ]);
        return toJobFile(result);
      } finally {
        if (onAbort) ctx.signal.removeEventListener("abort", onAbort);
      }
    },
    async close() {},
  };
}
