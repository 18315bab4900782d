// The stats as a terminal block: the same figures as GET /admin/stats, one line per concern.
import type { Percentiles, Stats } from "../../jobs/stats.js";

const BARS = "▁▂▃▄▅▆▇█";

/** 1234 → "1.2 s", 95_000 → "1m35s": short enough to line up. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const spread = (p: Percentiles, what: string) =>
  p.count === 0
    ? `no ${what} yet`
    : `median ${formatDuration(p.median_ms)} · p95 ${formatDuration(p.p95_ms)} (${p.count} jobs)`;

/** One bar per hour, scaled to the busiest hour; a blank for an hour without jobs. */
export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) => (v === 0 ? " " : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))]))
    .join("");
}

export function renderStats(stats: Stats, source: string): string {
  const c = stats.counts;
  const hours = stats.per_hour.map((h) => h.submitted);
  const busiest = Math.max(0, ...hours);
  return [
    `${source} · last ${stats.window.hours} h (since ${stats.window.from}) · at ${stats.window.to}`,
    `Queue       ${stats.queue.depth} waiting · ${stats.queue.poison_depth} in the poison queue`,
    `Jobs        ${c.total} submitted: ${c.queued} queued · ${c.processing} processing · ${c.done} done · ${c.error} failed · ${c.cancelled} cancelled${stats.truncated ? " (the newest only: the window holds more)" : ""}`,
    `Run time    ${spread(stats.duration, "finished jobs")}`,
    `Queue wait  ${spread(stats.queue_wait, "started jobs")}`,
    `Per hour    |${sparkline(hours)}| busiest hour ${busiest}`,
    "",
  ].join("\n");
}
