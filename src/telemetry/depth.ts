// Queue depth and poison depth as gauges, sampled by a worker at most once per PRAISONAI_SVC_DEPTH_INTERVAL:
// two storage calls per interval (24 an hour at the default 300 s), whatever the metric export interval.
import { metrics } from "@opentelemetry/api";
import type { JobQueue } from "../storage/types.js";
import { METRICS, SCOPE } from "./names.js";

export interface DepthSources {
  queue: Pick<JobQueue, "count">;
  poison: Pick<JobQueue, "count">;
}

/** Registers the two gauges; a failed sample reports nothing for that export (a gap, never a stale zero). */
export function observeDepth(sources: DepthSources, intervalMs: number): void {
  const meter = metrics.getMeter(SCOPE);
  const queue = meter.createObservableGauge(METRICS.queueDepth, {
    description: "Approximate messages in the job queue (visible and in flight)",
  });
  const poison = meter.createObservableGauge(METRICS.poisonDepth, {
    description: "Approximate records in the poison queue",
  });
  let sampledAt = -Infinity;
  let last: { queue: number; poison: number } | undefined;
  meter.addBatchObservableCallback(
    async (result) => {
      if (performance.now() - sampledAt >= intervalMs) {
        sampledAt = performance.now();
        last = await Promise.all([sources.queue.count(), sources.poison.count()])
          .then(([q, p]) => ({ queue: q, poison: p }))
          .catch(() => undefined);
      }
      if (!last) return;
      result.observe(queue, last.queue);
      result.observe(poison, last.poison);
    },
    [queue, poison],
  );
}
