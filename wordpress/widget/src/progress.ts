// A running job's progress (what its handler reports with ctx.progress): a bar with the percentage and the
// handler's message, and a rule for how often a screen reader hears about it.
import type { JobProgress } from "./api.js";
import { h, uid } from "./dom.js";
import type { Translate } from "./i18n.js";

/** A screen reader hears progress at most this often: every poll would drown out everything else. */
export const ANNOUNCE_EVERY_MS = 10_000;

export const percentOf = (fraction: number): number => Math.round(Math.min(1, Math.max(0, fraction)) * 100);

/** Decides which progress reports to announce: at most one per interval, never the same percentage twice. */
export function progressAnnouncer(intervalMs = ANNOUNCE_EVERY_MS, now: () => number = Date.now) {
  let lastAt = Number.NEGATIVE_INFINITY;
  let lastPercent = -1;
  return {
    /** True when `percent` should be announced now (and counts it as announced). */
    due(percent: number): boolean {
      const at = now();
      if (percent === lastPercent || at - lastAt < intervalMs) return false;
      lastAt = at;
      lastPercent = percent;
      return true;
    },
    /** Something else was just announced (a status change): wait a full interval before the next report. */
    hold(): void {
      lastAt = now();
    },
  };
}

/** The bar of request `n`: hidden until the first report, then `update` with each one. */
export function progressBar(t: Translate, n: number) {
  const textId = uid("progress");
  const bar = h("progress", { max: "100", value: "0", "aria-label": t("progressLabel", { n }) });
  const text = h("span", { id: textId, class: "praisonai-chat__progress-text" });
  bar.setAttribute("aria-describedby", textId);
  const element = h("div", { class: "praisonai-chat__progress", hidden: true }, bar, text);
  return {
    element,
    /** Shows a report; returns the sentence that describes it ("40 % · Slide 4 of 10"). */
    update(progress: JobProgress): string {
      const percent = percentOf(progress.fraction);
      const words = t("progress", { percent });
      const sentence = progress.message ? `${words} · ${progress.message}` : words;
      bar.value = percent;
      bar.setAttribute("aria-valuetext", sentence);
      text.textContent = sentence;
      element.dataset.fraction = String(progress.fraction);
      element.hidden = false;
      return sentence;
    },
    remove(): void {
      element.remove();
    },
  };
}
