// The load generator: a fixed number of concurrent async loops in this process, each timing its own calls.
// The same loops drive HTTP requests to a service and raw SDK calls, so both sides of a ratio see one method.
import { percentile } from "./stats.js";

export interface LoadResult {
  n: number;
  seconds: number;
  /** Completed operations per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  concurrency: number;
  /** Most operations to run. */
  total: number;
  /** No operation starts after this many seconds (the ones running finish). */
  maxSeconds?: number;
}

/** Runs `op(0), op(1), ...` with `concurrency` loops; any failed operation fails the measurement. */
export async function runLoad(
  { concurrency, total, maxSeconds = Number.POSITIVE_INFINITY }: LoadOptions,
  op: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  const stopAt = performance.now() + maxSeconds * 1000;
  const loop = async () => {
    for (let i = next++; i < total && performance.now() < stopAt; i = next++) {
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, loop));
  const seconds = (performance.now() - started) / 1000;
  return {
    n: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
