// Queue depth and poison depth as gauges, sampled by a worker at most once per PRAISONAI_SVC_DEPTH_INTERVAL
// (two storage calls), and only while the worker has work: once it has been idle for a whole interval it
// takes one last sample and then none, so an idle worker costs no more than its polling.
import { metrics } from "@opentelemetry/api";
import type { JobQueue } from "../storage/types.js";
import { METRICS, SCOPE } from "./names.js";

export interface DepthSources {
  queue: Pick<JobQueue, "count">;
  poison: Pick<JobQueue, "count">;
}

/** What the worker did since the last sample: messages received so far, and jobs running now. */
export interface WorkerActivity {
  readonly received: number;
  readonly running: number;
}

/** Registers the two gauges; a failed sample reports nothing for that export (a gap, never a stale zero). */
export function observeDepth(sources: DepthSources, worker: WorkerActivity, intervalMs: number): void {
  const meter = metrics.getMeter(SCOPE);
  const queue = meter.createObservableGauge(METRICS.queueDepth, {
    description: "Approximate messages in the job queue (visible and in flight)",
  });
  const poison = meter.createObservableGauge(METRICS.poisonDepth, {
    description: "Approximate records in the poison queue",
  });
  let sampledAt = -Infinity;
  let receivedAtSample = -1;
  let runningAtSample = false;
  let last: { queue: number; poison: number } | undefined;
  meter.addBatchObservableCallback(
    async (result) => {
      // Nothing received and nothing running since a sample taken while idle: the queues are as it saw them.
      const busy = worker.received !== receivedAtSample || worker.running > 0 || runningAtSample;
      if (busy && performance.now() - sampledAt >= intervalMs) {
        sampledAt = performance.now();
        receivedAtSample = worker.received;
        runningAtSample = worker.running > 0;
        last = await Promise.all([sources.queue.count(), sources.poison.count()]).then(
          ([q, p]) => ({ queue: q, poison: p }),
          () => {
            receivedAtSample = -1; // try again after the interval, even if the worker stays idle
            return undefined;
          },
        );
      }
      if (!last) return;
      result.observe(queue, last.queue);
      result.observe(poison, last.poison);
    },
    [queue, poison],
  );
}
