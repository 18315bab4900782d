// The in-memory RateCounter: one count per process, no storage call (the API's read limit).
import { decide, rollTo, WINDOW_MS, type WindowSlot, windowStartOf } from "../rate-window.js";
import type { RateCounter } from "../types.js";

/** Keys kept before old windows are dropped; bounds memory whatever the number of clients. */
const MAX_KEYS = 100_000;

/**
 * In-memory counter: free (no storage call), but each replica counts on its own, so with N
 * replicas a client may get up to N times the limit. Fine for status reads, whose limit only
 * guards against runaway polling.
 */
export function createMemoryRateCounter(): RateCounter {
  const slots = new Map<string, WindowSlot>();

  function prune(now: number): void {
    const oldest = windowStartOf(now) - WINDOW_MS;
    for (const [key, slot] of slots) if (slot.start < oldest) slots.delete(key);
    // Still full (many clients in the last two minutes): forget the earliest-seen tenth.
    if (slots.size >= MAX_KEYS) {
      let drop = Math.ceil(MAX_KEYS / 10);
      for (const key of slots.keys()) {
        if (drop-- <= 0) break;
        slots.delete(key);
      }
    }
  }

  return {
    async hit(key, limit, now = Date.now()) {
      let slot = slots.get(key);
      if (!slot) {
        if (slots.size >= MAX_KEYS) prune(now);
        slot = { start: windowStartOf(now), count: 0, prev: 0 };
        slots.set(key, slot);
      }
      rollTo(slot, now);
      const decision = decide(slot, limit, now);
      if (decision.allowed) slot.count++;
      return decision;
    },
  };
}
