/// <reference lib="dom" />
// The chat widget in headless Chromium, on a plain page in direct mode: against a service that answers
// download links no browser should open (`javascript:`, `data:`…), and against the real service (the steps
// fixture, `praisonai-svc run`) across a page reload while a job runs.
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/local/azurite.js";
import { buildWidget } from "../wordpress/build.js";
import { launchChromium } from "./support/browser.js";
import { type CliProcess, runCli, waitForHealth } from "./support/cli.js";
import { startHostileService } from "./support/hostile-service.js";
import { startStandalonePage } from "./support/standalone-page.js";
import { isolatedEnv } from "./support/storage.js";

const JWT_SECRET = randomBytes(32).toString("hex");
const ISSUER = "https://site.example.test";

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let hostile: Awaited<ReturnType<typeof startHostileService>>;
/** Without a Content-Security-Policy: a `javascript:` link would run there, so the widget must refuse it. */
let openPage: Awaited<ReturnType<typeof startStandalonePage>>;
let page: Awaited<ReturnType<typeof startStandalonePage>>;
let service: CliProcess | undefined;
let serviceUrl: string;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  // A `javascript:` link that ran replaces the page; reads of the widget must then fail, not wait forever.
  context.setDefaultTimeout(10_000);
  return context.newPage();
}

/** Sends `text` from the widget and waits for its request to show in the thread. */
async function send(p: Page, text: string, n: number): Promise<void> {
  await p.fill(".praisonai-chat__input", text);
  await p.click(".praisonai-chat__send");
  await p.waitForSelector(`.praisonai-chat__message:nth-child(${n})`);
}

describe("the chat widget in Chromium", () => {
  beforeAll(async () => {
    await buildWidget();
    chromium = await launchChromium();
    browser = chromium.browser;
    hostile = await startHostileService();
    openPage = await startStandalonePage({ jwtSecret: JWT_SECRET, issuer: ISSUER, csp: false });
    page = await startStandalonePage({ jwtSecret: JWT_SECRET, issuer: ISSUER });
    const port = await freePort();
    serviceUrl = `http://127.0.0.1:${port}`;
    service = runCli(["run", "test/fixtures/handlers/steps.ts", "--port", String(port)], {
      env: isolatedEnv({
        PRAISONAI_SVC_JWT_SECRET: JWT_SECRET,
        PRAISONAI_SVC_JWT_AUDIENCE: "praisonai-svc",
        PRAISONAI_SVC_JWT_ISSUER: ISSUER,
        PRAISONAI_SVC_CORS_ORIGINS: page.url,
        PRAISONAI_SVC_LOG_LEVEL: "warn",
        PRAISONAI_SVC_POLL_MIN: "0.5",
        PRAISONAI_SVC_POLL_MAX: "0.5",
      }),
      keep: true,
    });
    await waitForHealth(serviceUrl, service, 30_000);
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    if (service) {
      service.kill("SIGTERM");
      await service.exited;
    }
    await hostile?.close();
    await openPage?.close();
    await page?.close();
  }, 60_000);

  it("opens only http(s) download links: javascript:, data: and blob: links from the service are refused", async () => {
    const p = await newPage();
    await p.goto(`${openPage.url}/?service=${encodeURIComponent(hostile.url)}`);
    const start = p.url();
    const hostileLinks = [
      "javascript:document.title='pwned'",
      " JavaScript:document.title='pwned'",
      "java\tscript:document.title='pwned'",
      "data:text/html,<script>document.title='pwned'</script>",
      "blob:http://127.0.0.1/0000",
      "vbscript:msgbox(1)",
    ];
    for (const [i, link] of hostileLinks.entries()) {
      hostile.setLink(link);
      await send(p, `{"attempt": ${i}}`, i + 1);
      const item = p.locator(`.praisonai-chat__message:nth-child(${i + 1})`);
      await item.locator(".praisonai-chat__download").click({ noWaitAfter: true });
      await expect
        .poll(() => item.locator(".praisonai-chat__note").textContent(), { timeout: 5000 })
        .toBe("The service sent a download link that is not a web address, so it was not opened.");
      expect(await p.title()).toBe("Slides");
      expect(p.url()).toBe(start);
    }
    expect(await p.locator("a[href]").count()).toBe(0); // nothing became a link either

    // The same button does open a web address (so the refusals above are the check, not a broken button).
    hostile.setLink(`${hostile.url}/file`);
    await send(p, `{"attempt": "web"}`, hostileLinks.length + 1);
    const [download] = await Promise.all([
      p.waitForEvent("download"),
      p.locator(".praisonai-chat__download").last().click(),
    ]);
    expect(download.suggestedFilename()).toBe("file.txt");
    await p.context().close();
  }, 60_000);

  it("follows a running job again after a reload and shows how it ended", async () => {
    const p = await newPage();
    const url = `${page.url}/?service=${encodeURIComponent(serviceUrl)}`;
    await p.goto(url);
    const run = randomBytes(4).toString("hex");
    await send(p, JSON.stringify({ steps: 6, step_ms: 1000, run }), 1);
    const item = p.locator(".praisonai-chat__message").first();
    const jobId = await item.getAttribute("data-job-id");
    await expect.poll(() => item.getAttribute("data-status"), { timeout: 15_000 }).toBe("processing");

    await p.reload();
    const again = p.locator(".praisonai-chat__message");
    await expect.poll(() => again.count(), { timeout: 10_000 }).toBe(1);
    expect(await again.first().getAttribute("data-job-id")).toBe(jobId);
    expect(await again.first().locator(".praisonai-chat__request").textContent()).toContain(run);
    // Still running when it shows again (the job takes 6 s), then its end and its file.
    expect(await again.first().getAttribute("data-status")).not.toBe("done");
    await expect.poll(() => again.first().getAttribute("data-status"), { timeout: 30_000 }).toBe("done");
    expect(await again.first().locator(".praisonai-chat__download").textContent()).toBe("Download steps.txt");

    // Once its end was shown it is no longer followed: another reload shows an empty thread.
    await p.reload();
    await p.waitForSelector(".praisonai-chat__form");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await p.locator(".praisonai-chat__message").count()).toBe(0);
    await p.context().close();
  }, 90_000);
});
