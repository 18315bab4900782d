// Storage calls as child spans: wraps each storage concern so that a call made while a span is active
// (a request, a job) gets its own client span. Calls outside any trace (the worker's idle polling, the
// rate counter's sweeps) make no span, so an idle service exports nothing.
import { SpanKind, trace } from "@opentelemetry/api";
import type { Storage } from "../storage/types.js";
import { ATTR } from "./names.js";
import { failSpan, tracer } from "./trace.js";

export function traceStorage(storage: Storage): Storage {
  const wrapped = {} as Record<keyof Storage, unknown>;
  for (const key of Object.keys(storage) as (keyof Storage)[]) {
    wrapped[key] = traceConcern(key, storage[key]);
  }
  return wrapped as Storage;
}

function traceConcern<T extends object>(concern: string, target: T): T {
  return new Proxy(target, {
    get(obj, method, receiver) {
      const value = Reflect.get(obj, method, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (!trace.getActiveSpan()?.isRecording()) return value.apply(obj, args);
        return tracer().startActiveSpan(
          `storage ${concern}.${String(method)}`,
          { kind: SpanKind.CLIENT, attributes: { [ATTR.storageConcern]: concern } },
          async (span) => {
            try {
              return await value.apply(obj, args);
            } catch (error) {
              failSpan(span, error);
              throw error;
            } finally {
              span.end();
            }
          },
        );
      };
    },
  });
}
