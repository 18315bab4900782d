// Storage that is still being connected: every call waits for the real drivers. Lets the API listen
// (and answer /health) while the Azure SDKs load and the table, queues and container are created.
import type { Storage } from "./types.js";

type Methods = Record<PropertyKey, (...args: unknown[]) => unknown>;

export function deferredStorage(connect: Promise<Storage>): Storage {
  // A failed connection is reported by whoever awaits `connect`; calls made meanwhile reject with it too.
  connect.catch(() => {});
  const concern = <K extends keyof Storage>(key: K): Storage[K] =>
    new Proxy({} as Storage[K], {
      get: (_target, method) =>
        // Not a thenable: `await storage.jobs` must not wait on the proxy itself.
        method === "then"
          ? undefined
          : async (...args: unknown[]) => {
              const real = (await connect)[key] as unknown as Methods;
              const fn = real[method];
              if (typeof fn !== "function")
                throw new TypeError(`storage.${key}.${String(method)} is not a method`);
              return fn.apply(real, args);
            },
    });
  return {
    jobs: concern("jobs"),
    queue: concern("queue"),
    poison: concern("poison"),
    blobs: concern("blobs"),
    rateCounter: concern("rateCounter"),
  };
}
