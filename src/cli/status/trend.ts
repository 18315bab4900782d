// What `status --watch` adds to one snapshot: how the queues and the job counts moved across the last
// refreshes. Kept in the terminal only: the service stores no time series (telemetry does that in Azure).
import type { Stats } from "../../jobs/stats.js";
import { formatDuration, sparkline } from "./render.js";

/** Refreshes kept: about a minute at the default 5 s interval. */
export const TREND_SAMPLES = 12;

interface Sample {
  at: number;
  stats: Stats;
}

const finished = (s: Stats) => s.counts.done + s.counts.error + s.counts.cancelled;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

export class Trend {
  private readonly samples: Sample[] = [];

  add(stats: Stats, at = Date.now()): void {
    this.samples.push({ at, stats });
    if (this.samples.length > TREND_SAMPLES) this.samples.shift();
  }

  /** Two lines: queue and poison depth over the kept refreshes, then jobs per minute between the first and last. */
  render(): string {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || first === last) return "Trend       from the next refresh on\n";
    const span = formatDuration(last.at - first.at);
    const depths = this.samples.map((s) => s.stats.queue.depth);
    const q = (pick: (s: Stats) => number) =>
      `${pick(first.stats)} → ${pick(last.stats)} (${signed(pick(last.stats) - pick(first.stats))})`;
    const lines = [
      `Trend       queue |${sparkline(depths)}| ${q((s) => s.queue.depth)} · poison ${q((s) => s.queue.poison_depth)} over ${span}`,
    ];
    // Counts are of the jobs created since the window's start: across a move of the window (the hour turned)
    // or a window with more jobs than stats reads, their difference is no rate. So the rate starts from the
    // oldest refresh of the same window, and is left out while there is none.
    const base = last.stats.truncated
      ? undefined
      : this.samples.find((s) => s.stats.window.from === last.stats.window.from && !s.stats.truncated);
    if (base && base !== last) {
      const perMin = (d: number) => ((d / (last.at - base.at)) * 60_000).toFixed(1);
      lines.push(
        `Per minute  ${perMin(last.stats.counts.total - base.stats.counts.total)} submitted · ${perMin(finished(last.stats) - finished(base.stats))} finished (over ${formatDuration(last.at - base.at)})`,
      );
    } else {
      lines.push(
        `Per minute  – (${last.stats.truncated ? "the window holds more jobs than stats reads" : "the window moved on: from the next refresh"})`,
      );
    }
    return `${lines.join("\n")}\n`;
  }
}
