// The arithmetic every RateCounter driver shares: a sliding-window estimate over two fixed one-minute windows.
// A plain fixed window lets a client send 2x the limit across a window boundary; weighting the
// previous window's count by how much of it still overlaps the last minute closes that gap at the
// cost of one number more per counter.

import type { RateDecision } from "./types.js";

export const WINDOW_MS = 60_000;

export const windowStartOf = (now: number): number => Math.floor(now / WINDOW_MS) * WINDOW_MS;

/** A counter's state in the current window. */
export interface WindowCounts {
  /** Hits counted in the current window. */
  count: number;
  /** Hits counted in the window before it. */
  prev: number;
}

/** A counter kept in memory: its counts and the start of the window `count` belongs to. */
export interface WindowSlot extends WindowCounts {
  start: number;
}

/** Moves `slot` to the window holding `now`: its count becomes `prev` when that window follows, else both reset. */
export function rollTo(slot: WindowSlot, now: number): WindowSlot {
  const start = windowStartOf(now);
  if (slot.start !== start) {
    slot.prev = slot.start === start - WINDOW_MS ? slot.count : 0;
    slot.count = 0;
    slot.start = start;
  }
  return slot;
}

/** Hits over the last minute at `now`: this window's, plus the share of the previous one still inside it. */
export function estimateAt(counts: WindowCounts, now: number): number {
  return counts.prev * (1 - (now - windowStartOf(now)) / WINDOW_MS) + counts.count;
}

/** Decides whether one more hit fits under `limit` at time `now`. */
export function decide(counts: WindowCounts, limit: number, now: number): RateDecision {
  const start = windowStartOf(now);
  const elapsed = (now - start) / WINDOW_MS;
  const estimate = estimateAt(counts, now);
  const allowed = estimate + 1 <= limit + 1e-9;
  if (allowed) {
    return {
      allowed,
      limit,
      remaining: Math.max(0, Math.floor(limit - estimate - 1 + 1e-9)),
      resetS: Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000)),
    };
  }
  return {
    allowed,
    limit,
    remaining: 0,
    resetS: Math.max(1, Math.ceil(waitMs(counts, limit, elapsed) / 1000)),
  };
}

/** How long until `prev * (1 - t) + count + 1 <= limit` holds, counting no further hits. */
function waitMs({ count, prev }: WindowCounts, limit: number, elapsed: number): number {
  if (count + 1 <= limit) {
    // Still this window: wait until enough of the previous window has slid out.
    const needed = 1 - (limit - 1 - count) / prev;
    return (needed - elapsed) * WINDOW_MS;
  }
  // Only the next window helps, where this window's count becomes the weighted one.
  const needed = count > 0 ? Math.max(0, 1 - (limit - 1) / count) : 0;
  return (1 - elapsed + needed) * WINDOW_MS;
}
