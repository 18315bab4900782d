// `status --watch`'s trend lines: the queue and poison depth across refreshes, and jobs per minute from the
// differences of the counts, never across a move of the window (the process test is in status-cli.test.ts).
import { describe, expect, it } from "vitest";
import { TREND_SAMPLES, Trend } from "../src/cli/status/trend.js";
import type { Stats } from "../src/jobs/stats.js";

const FROM = "2026-12-01T06:00:00.000Z";
const none = { count: 0, median_ms: null, p95_ms: null };

function stats(
  o: { total: number; done?: number; error?: number; cancelled?: number; depth: number; poison?: number },
  from = FROM,
  truncated = false,
): Stats {
  const done = o.done ?? 0;
  const error = o.error ?? 0;
  const cancelled = o.cancelled ?? 0;
  return {
    window: { from, to: from, hours: 1 },
    counts: {
      queued: o.total - done - error - cancelled,
      processing: 0,
      done,
      error,
      cancelled,
      total: o.total,
    },
    per_hour: [],
    duration: none,
    queue_wait: none,
    queue: { depth: o.depth, poison_depth: o.poison ?? 0 },
    truncated,
  } as Stats;
}

describe("status --watch trend", () => {
  it("waits for a second refresh", () => {
    const trend = new Trend();
    trend.add(stats({ total: 4, depth: 1 }), 0);
    expect(trend.render()).toBe("Trend       from the next refresh on\n");
  });

  it("shows the depth's course and the jobs submitted and finished per minute", () => {
    const trend = new Trend();
    trend.add(stats({ total: 10, done: 5, depth: 3 }), 0);
    trend.add(stats({ total: 16, done: 7, error: 1, depth: 8 }), 30_000);
    trend.add(stats({ total: 22, done: 9, error: 1, cancelled: 1, depth: 7, poison: 1 }), 60_000);
    expect(trend.render()).toBe(
      "Trend       queue |▃█▇| 3 → 7 (+4) · poison 0 → 1 (+1) over 1m00s\n" +
        "Per minute  12.0 submitted · 6.0 finished (over 1m00s)\n",
    );
  });

  it(`keeps the last ${TREND_SAMPLES} refreshes`, () => {
    const trend = new Trend();
    for (let i = 0; i <= TREND_SAMPLES; i++) trend.add(stats({ total: i, depth: i }), i * 5000);
    // The first refresh (depth 0) has been dropped: the course starts at 1.
    expect(trend.render()).toContain(`1 → ${TREND_SAMPLES} (+${TREND_SAMPLES - 1})`);
    expect(trend.render()).toContain("Per minute  12.0 submitted");
  });

  it("starts the rate afresh when the window moves on, and gives none for a truncated window", () => {
    const trend = new Trend();
    trend.add(stats({ total: 50, depth: 0 }), 0);
    trend.add(stats({ total: 20, depth: 0 }, "2026-12-01T07:00:00.000Z"), 10_000);
    expect(trend.render()).toContain("Per minute  – (the window moved on: from the next refresh)");
    trend.add(stats({ total: 23, depth: 0 }, "2026-12-01T07:00:00.000Z"), 40_000);
    expect(trend.render()).toContain("Per minute  6.0 submitted · 0.0 finished (over 30.0 s)");
    trend.add(stats({ total: 10_000, depth: 0 }, "2026-12-01T07:00:00.000Z", true), 50_000);
    expect(trend.render()).toContain("Per minute  – (the window holds more jobs than stats reads)");
  });
});
