// The load generator: a fixed number of concurrent async loops in this process, each timing its own calls.
// The same loops drive HTTP requests to a service and raw SDK calls, so both sides of a ratio see one method.
import { percentile } from "./stats.js";

export interface LoadResult {
  /** Operations completed inside the measuring window. */
  n: number;
  seconds: number;
  /** Completed operations per second of the window. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Loops whose call was still running 5 s after the window closed (stalled; the measurement moved on). */
  stalled: number;
}

export interface LoadOptions {
  concurrency: number;
  /** Most operations to run. */
  total: number;
  /** The measuring window: no operation starts after it, and one finishing after it is not counted. */
  maxSeconds?: number;
  /**
   * Completions the window must hold: while fewer have completed it stays open, up to four times its
   * length. On a loaded machine a short window otherwise holds a handful of calls (or none), and one slow
   * call decides the figure.
   */
  minOps?: number;
}

/** How long operations still running after the window are awaited before the measurement moves on without them. */
const LATE_GRACE_MS = 5000;

/**
 * Runs `op(0), op(1), ...` with `concurrency` loops; any failed operation fails the measurement.
 * Throughput counts completions inside the window, so one stalled call (a busy machine can stall a
 * request for seconds) costs one loop's share of the window instead of stretching the whole measurement.
 */
export async function runLoad(
  { concurrency, total, maxSeconds = Number.POSITIVE_INFINITY, minOps = 0 }: LoadOptions,
  op: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = performance.now();
  const stopAt = started + maxSeconds * 1000;
  const hardStop = started + 4 * maxSeconds * 1000;
  /** Set when a window stretched for `minOps` gets its last one. */
  let closedAt = Number.POSITIVE_INFINITY;
  const open = (t: number) => t < closedAt && (t < stopAt || (latencies.length < minOps && t < hardStop));
  let next = 0;
  let stalled = 0;
  let running = 0;
  let lastEnd = started;
  /** Per loop: calls counted, and when the last of them ended. */
  const counted: number[] = [];
  const lastCounted: number[] = [];
  let abandoned = false;
  const loop = async (j: number) => {
    counted[j] = 0;
    lastCounted[j] = started;
    for (let i = next++; i < total && open(performance.now()); i = next++) {
      const t = performance.now();
      running++;
      try {
        await op(i);
      } catch (error) {
        if (abandoned) return; // a stalled call that ended after the measurement moved on
        throw error;
      } finally {
        running--;
      }
      const end = performance.now();
      lastEnd = Math.max(lastEnd, end);
      if (open(end)) {
        latencies.push(end - t);
        counted[j] = (counted[j] ?? 0) + 1;
        lastCounted[j] = end;
        if (end >= stopAt && latencies.length >= minOps) closedAt = end;
      }
    }
  };
  const loops = Promise.all(Array.from({ length: Math.min(concurrency, total) }, (_, j) => loop(j)));
  if (Number.isFinite(maxSeconds)) {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"grace">((resolve) => {
      timer = setTimeout(() => resolve("grace"), hardStop - started + LATE_GRACE_MS);
    });
    const first = await Promise.race([loops, grace]);
    clearTimeout(timer);
    if (first === "grace") {
      abandoned = true;
      stalled = running;
      loops.catch(() => {});
    }
  } else {
    await loops;
  }
  // The window ends at the last completion, or at the time cap when something was still running then.
  const cap = Number.isFinite(closedAt) ? closedAt : latencies.length >= minOps ? stopAt : hardStop;
  const seconds = (Math.min(cap, lastEnd) - started) / 1000;
  return {
    n: latencies.length,
    seconds,
    rps: closedLoopRate(counted, lastCounted, started, Math.min(cap, lastEnd), percentile(latencies, 50)),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    stalled,
  };
}

/**
 * Throughput of closed loops: each loop's calls over the time they took (start to its last completion), summed.
 * Counting completions over the whole window instead charges each loop the call still in flight at the
 * close, half a latency on average: 0.5 s windows then rated a 110 ms POST 0.89 of itself and a 45 ms raw
 * one 0.95, so --quick's ratios sat below the full run's. A call in flight for more than three median
 * latencies at the close is a stall, and its loop is charged the whole window, as before.
 */
export function closedLoopRate(
  counted: number[],
  lastCounted: number[],
  started: number,
  closed: number,
  p50Ms: number,
): number {
  let rate = 0;
  for (const [j, n] of counted.entries()) {
    const last = lastCounted[j] ?? started;
    const end = closed - last > 3 * p50Ms ? closed : last;
    if (n > 0 && end > started) rate += n / ((end - started) / 1000);
  }
  return rate;
}
