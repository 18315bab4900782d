// The behaviour every RateCounter driver must have: a sliding one-minute window that counts only what it allows.
import { describe, expect, it } from "vitest";
import { WINDOW_MS, windowStartOf } from "../../../src/storage/rate-window.js";
import type { RateCounter } from "../../../src/storage/types.js";

export function testRateCounter(name: string, makeCounter: () => Promise<RateCounter>): void {
  describe(`RateCounter conformance: ${name}`, () => {
    // The current window: a driver may clean up windows older than the previous one at any time.
    const t0 = windowStartOf(Date.now()) + 1000;

    it("allows `limit` hits per key and refuses the next, counting only the hits it allows", async () => {
      const counter = await makeCounter();
      const decisions = [];
      for (let i = 0; i < 12; i++) decisions.push(await counter.hit("submit:a", 10, t0 + i));
      expect(decisions.map((d) => d.allowed)).toEqual([...Array(10).fill(true), false, false]);
      expect(decisions[0]).toMatchObject({ limit: 10, remaining: 9 });
      expect(decisions[10]).toMatchObject({ remaining: 0 });
      expect(decisions[10]?.resetS).toBeGreaterThanOrEqual(1);
      expect((await counter.hit("submit:b", 10, t0)).allowed).toBe(true); // another key
      // Two windows later everything has slid out.
      expect((await counter.hit("submit:a", 10, t0 + 2 * WINDOW_MS)).allowed).toBe(true);
    });

    it("weighs the previous window: half-way through the next one, half of its hits still count", async () => {
      const counter = await makeCounter();
      for (let i = 0; i < 10; i++) await counter.hit("submit:c", 10, t0 + i);
      const later = t0 - 1000 + WINDOW_MS + WINDOW_MS / 2;
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push((await counter.hit("submit:c", 10, later + i)).allowed);
      expect(decisions).toEqual([true, true, true, true, true, false]);
    });

    it("counts simultaneous hits exactly: of 30 at once, 10 pass", async () => {
      const counter = await makeCounter();
      const decisions = await Promise.all(Array.from({ length: 30 }, () => counter.hit("submit:d", 10, t0)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    });
  });
}
