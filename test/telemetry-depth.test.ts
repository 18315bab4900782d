// The depth gauges' storage cost: samples while a worker works, none once it has been idle a whole interval.
import { metrics } from "@opentelemetry/api";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { afterAll, describe, expect, it } from "vitest";
import { observeDepth } from "../src/telemetry/depth.js";
import { METRICS } from "../src/telemetry/names.js";
import { isolatedStorage } from "./support/storage.js";

/** Collects on demand, like an export would. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush() {}
  protected async onShutdown() {}
}

const reader = new OnDemandReader();
const provider = new MeterProvider({ readers: [reader] });
metrics.setGlobalMeterProvider(provider);
afterAll(() => provider.shutdown());

async function depths(): Promise<Record<string, number>> {
  const { resourceMetrics } = await reader.collect();
  const out: Record<string, number> = {};
  for (const m of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)) {
    const point = m.dataPoints.at(-1);
    if (point) out[m.descriptor.name] = point.value as number;
  }
  return out;
}

describe("queue and poison depth", () => {
  it("samples the real queues while the worker works, and stops costing once it is idle", async () => {
    const { storage } = await isolatedStorage();
    let calls = 0;
    const counted = (q: typeof storage.queue) => ({
      count: () => {
        calls++;
        return q.count();
      },
    });
    const worker = { received: 0, running: 0 };
    observeDepth({ queue: counted(storage.queue), poison: counted(storage.poison) }, worker, 0);

    expect(await depths()).toEqual({ [METRICS.queueDepth]: 0, [METRICS.poisonDepth]: 0 });
    expect(calls).toBe(2); // the first sample

    // Idle since that sample: every export reports it again, without a storage call.
    await depths();
    await depths();
    expect(calls).toBe(2);

    // Work arrives: three messages, one taken and running.
    await Promise.all([storage.queue.send("a"), storage.queue.send("b"), storage.queue.send("c")]);
    await storage.poison.send("p");
    worker.received = 1;
    worker.running = 1;
    expect(await depths()).toEqual({ [METRICS.queueDepth]: 3, [METRICS.poisonDepth]: 1 });
    expect(calls).toBe(4);

    // The job ends (its message deleted): one more sample sees it, then nothing until the next receive.
    const [taken] = await storage.queue.receive(1, 30_000);
    if (taken) await storage.queue.delete(taken);
    worker.running = 0;
    expect((await depths())[METRICS.queueDepth]).toBe(2);
    await depths();
    expect(calls).toBe(6);
  });
});
