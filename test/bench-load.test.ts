// The load generator's throughput must not depend on its window's length: --quick (0.5 s windows) and the full
// run (1.5 s) compare the same service and baseline, and a ratio of two targets with different latencies was
// skewed by each one's call still in flight when the window closed.
import { describe, expect, it } from "vitest";
import { runLoad } from "../bench/support/load.js";

const fixed = (ms: number) => () => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("the load generator's throughput", () => {
  it("is concurrency ÷ latency for closed loops, in a short window as in a long one", async () => {
    // 16 loops of 100 ms calls: 160 calls/s. Counted over the window, a 0.5 s window said ~144.
    const short = await runLoad({ concurrency: 16, total: 100_000, maxSeconds: 0.5 }, fixed(100));
    const long = await runLoad({ concurrency: 16, total: 100_000, maxSeconds: 1.5 }, fixed(100));
    // Timers fire a little late (each call takes >= 100 ms), so the truth is at most 160.
    for (const r of [short, long]) {
      expect(r.rps).toBeLessThanOrEqual(160.5);
      expect(r.rps).toBeGreaterThan(150);
    }
    expect(Math.abs(short.rps / long.rps - 1)).toBeLessThan(0.04);
  });

  it("still charges a loop whose call stalls past the window", async () => {
    let calls = 0;
    // One of 4 loops stalls on its 3rd call (for 1.2 s, past the 0.4 s window): its share is lost, as before.
    const r = await runLoad({ concurrency: 4, total: 100_000, maxSeconds: 0.4 }, () => {
      calls++;
      return fixed(calls === 10 ? 1200 : 50)();
    });
    expect(r.rps).toBeLessThan(4 * 20 * 0.9);
  });
});
