/// <reference lib="dom" />
// What the WordPress tests do inside a page: follow the widget's announcements, download its file, and
// call the site's REST routes with the page's own nonce, as the widget would.
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { expect } from "vitest";

/** Collects what the widget's live region announces, in order. */
export async function watchAnnouncements(page: Page, widget = 0): Promise<() => Promise<string[]>> {
  await page.evaluate((n) => {
    const live = document.querySelectorAll(".praisonai-chat__sr")[n] as HTMLElement;
    const seen: string[] = [];
    (window as unknown as { __seen: string[] }).__seen = seen;
    new MutationObserver(() => seen.push(live.textContent ?? "")).observe(live, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  }, widget);
  return () => page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
}

export async function downloadPptx(page: Page, button: string): Promise<Uint8Array> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  const file = await download.path();
  expect(download.suggestedFilename()).toMatch(/\.pptx$/);
  return new Uint8Array(await readFile(file));
}

/** A REST call made from inside the page, with the page's own nonce (as the widget would). */
export async function restFromPage(
  page: Page,
  route: string,
  init: { method?: string; body?: string; type?: string } = {},
) {
  return page.evaluate(
    async ({ route, init }) => {
      const el = document.querySelector<HTMLElement>("[data-praisonai-chat]");
      // The site's REST base may be pretty (/wp-json/ns/) or plain (?rest_route=/ns/); a route may have a query.
      const [path, query] = route.split("?");
      const url = new URL(el?.dataset.restUrl ?? "", location.href);
      const plain = url.searchParams.get("rest_route");
      if (plain !== null) url.searchParams.set("rest_route", plain + path);
      else url.pathname += path;
      for (const [k, v] of new URLSearchParams(query ?? "")) url.searchParams.set(k, v);
      const res = await fetch(url, {
        method: init.method ?? "GET",
        headers: {
          "X-WP-Nonce": el?.dataset.nonce ?? "",
          ...(init.type ? { "Content-Type": init.type } : {}),
          Accept: "application/json",
        },
        body: init.body,
        redirect: "manual",
      });
      return { status: res.status, body: await res.text() };
    },
    { route, init },
  );
}

/**
 * The WCAG contrast ratio of each selected element's text against its own background (or the nearest
 * ancestor's that is not transparent): what a person with low vision sees.
 */
export async function contrastRatios(page: Page, selectors: string[]): Promise<Record<string, number>> {
  return page.evaluate((selectors) => {
    const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const c = [r, g, b].map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (c[0] ?? 0) + 0.7152 * (c[1] ?? 0) + 0.0722 * (c[2] ?? 0);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const parts = rgb(getComputedStyle(e).backgroundColor);
        if (parts.length === 3 || (parts[3] ?? 0) > 0) return parts.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out: Record<string, number> = {};
    for (const selector of selectors) {
      const el = document.querySelector(selector);
      if (!el) continue;
      const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(background(el))];
      out[selector] = Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 10) / 10;
    }
    return out;
  }, selectors);
}
