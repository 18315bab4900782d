/// <reference lib="dom" />
// The WordPress plugin end to end: a real WordPress (Debian's, on MariaDB, served by `php -S`), the plugin
// installed from its zip through the admin screens, the PPT example served by `praisonai-svc run` with API
// keys on, and headless Chromium. One site, one service and one browser serve every case, in order.

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/local/azurite.js";
import { createJwtVerifier, parseJwtPublicKey } from "../src/security/jwt.js";
import { buildWidget, zipPlugin } from "../wordpress/build.js";
import { launchChromium, logIn, type Received, recordTraffic } from "./support/browser.js";
import { type CliProcess, ROOT, runCli, waitForHealth, waitForJob } from "./support/cli.js";
import { readPptx } from "./support/pptx.js";
import { SCREENSHOTS_DIR } from "./support/screenshots.js";
import { startStandalonePage } from "./support/standalone-page.js";
import { isolatedEnv } from "./support/storage.js";
import { debugLog, startWordPress, type WordPressSite } from "./support/wordpress.js";
import { contrastRatios, downloadPptx, restFromPage, watchAnnouncements } from "./support/wordpress-page.js";

const run = promisify(execFile);
const HANDLERS = "examples/ppt/handlers.ts";
/** Works in steps, reporting progress, and stops when cancelled: for the progress bar and Stop. */
const STEPS_HANDLERS = "test/fixtures/handlers/steps.ts";
const SAMPLE_YAML = () => readFile(path.join(ROOT, "examples/ppt/sample.yaml"), "utf8");
const API_KEY = `wpe2e${randomBytes(16).toString("hex")}`;
const JWT_SECRET = randomBytes(32).toString("hex");

let site: WordPressSite;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let zip: string;
let servicePort: number;
let serviceUrl: string;
let serviceEnv: Record<string, string>;
let service: CliProcess | undefined;
let stepsService: CliProcess | undefined;
let stepsUrl: string;
let standalone: Awaited<ReturnType<typeof startStandalonePage>>;
const received: Received[] = [];
const contexts: BrowserContext[] = [];
const jobs: { alice?: string; direct?: string; stopped?: string; stoppedDirect?: string } = {};

async function startService(role: "run" | "api" = "run"): Promise<void> {
  service = runCli([role, HANDLERS, "--port", String(servicePort)], { env: serviceEnv, keep: true });
  await waitForHealth(serviceUrl, service, 30_000);
}

async function stopService(): Promise<void> {
  if (!service) return;
  service.kill("SIGTERM");
  await service.exited;
  service = undefined;
}

/** A browser context whose traffic is recorded (for the API-key check), optionally logged in. */
async function userPage(
  user?: "admin" | "alice" | "bob",
  viewport = { width: 1100, height: 900 },
): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  contexts.push(context);
  recordTraffic(context, received);
  const page = await context.newPage();
  if (user) await logIn(page, site.url, user, site.passwords[user]);
  return page;
}

const pageUrl = (id: number) => `${site.url}/?page_id=${id}`;

describe("the WordPress plugin on a real WordPress", () => {
  beforeAll(async () => {
    await buildWidget();
    zip = await zipPlugin();
    // One at a time, so that whatever started is assigned and stopped by afterAll if the next one fails.
    site = await startWordPress("wp");
    chromium = await launchChromium();
    servicePort = await freePort();
    browser = chromium.browser;
    standalone = await startStandalonePage({ jwtSecret: JWT_SECRET, issuer: site.url });
    serviceUrl = `http://127.0.0.1:${servicePort}`;
    serviceEnv = isolatedEnv({
      PRAISONAI_SVC_API_KEYS: `wordpress:${API_KEY}`,
      PRAISONAI_SVC_JWT_SECRET: JWT_SECRET,
      PRAISONAI_SVC_JWT_AUDIENCE: "praisonai-svc",
      PRAISONAI_SVC_JWT_ISSUER: site.url,
      PRAISONAI_SVC_CORS_ORIGINS: `${site.url},${standalone.url}`,
      PRAISONAI_SVC_LOG_LEVEL: "warn",
      // An idle worker backs off to 30 s between receives; the cases here submit one job at a time,
      // seconds apart, and would mostly wait on that back-off.
      PRAISONAI_SVC_POLL_MIN: "0.5",
      PRAISONAI_SVC_POLL_MAX: "0.5",
    });
    await startService();
    const stepsPort = await freePort();
    stepsUrl = `http://127.0.0.1:${stepsPort}`;
    stepsService = runCli(["run", STEPS_HANDLERS, "--port", String(stepsPort)], {
      // Its own table, queue and container; the same credentials and origins as the PPT service.
      env: isolatedEnv({
        ...Object.fromEntries(Object.entries(serviceEnv).filter(([k]) => !/TABLE|QUEUE|CONTAINER/.test(k))),
        // A running job's worker notices the cancel within half a second (default 5 s).
        PRAISONAI_SVC_CANCEL_CHECK: "0.5",
      }),
      keep: true,
    });
    await waitForHealth(stepsUrl, stepsService, 30_000);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await chromium?.close();
    await stopService();
    if (stepsService) {
      stepsService.kill("SIGTERM");
      await stepsService.exited;
    }
    await standalone?.close();
    await site?.stop();
  }, 60_000);

  it("installs from its zip through Plugins → Add New → Upload, and activation creates its table", async () => {
    const page = await userPage("admin");
    await page.goto(`${site.url}/wp-admin/plugin-install.php?tab=upload`);
    await page.setInputFiles("#pluginzip", zip);
    await Promise.all([page.waitForURL(/update\.php/), page.click("#install-plugin-submit")]);
    await expect(page.locator("body")).toBeDefined();
    expect(await page.textContent("body")).toContain("Plugin installed successfully");
    await Promise.all([
      page.waitForURL(/plugins\.php/),
      page.click("a.button-primary:has-text('Activate Plugin')"),
    ]);
    expect(await page.textContent("#message")).toContain("activated");
    const { stdout } = await run("mysql", [
      "-h",
      "127.0.0.1",
      "-u",
      "root",
      "-N",
      "-e",
      `SHOW TABLES FROM \`${site.database}\` LIKE 'wp_praisonai_jobs'`,
    ]);
    expect(stdout.trim()).toBe("wp_praisonai_jobs");
  }, 60_000);

  it("saves services from Settings → PraisonAI without printing secrets back, and Test connection says what works", async () => {
    const page = await userPage("admin");
    const settings = `${site.url}/wp-admin/options-general.php?page=praisonai-svc`;
    await page.goto(settings);
    await page.fill("#praisonai-0-name", "ppt");
    await page.fill("#praisonai-0-label", "Slides");
    await page.fill("#praisonai-0-base_url", serviceUrl);
    await page.fill("#praisonai-0-api_key", API_KEY);
    await Promise.all([page.waitForLoadState("load"), page.click("#submit")]);
    await page.goto(settings);
    await page.fill("#praisonai-1-name", "ppt-direct");
    await page.fill("#praisonai-1-label", "Slides (direct)");
    await page.fill("#praisonai-1-base_url", serviceUrl);
    await page.selectOption("#praisonai-1-mode", "direct");
    await page.fill("#praisonai-1-jwt_secret", JWT_SECRET);
    await Promise.all([page.waitForLoadState("load"), page.click("#submit")]);
    await page.goto(settings);
    await page.fill("#praisonai-2-name", "ppt-open");
    await page.fill("#praisonai-2-base_url", serviceUrl);
    await page.fill("#praisonai-2-api_key", API_KEY);
    await page.selectOption("#praisonai-2-access", "visitors");
    await page.fill("#praisonai-2-visitor_limit", "1");
    await Promise.all([page.waitForLoadState("load"), page.click("#submit")]);
    await page.goto(settings);
    const html = await page.content();
    expect(html).not.toContain(API_KEY);
    expect(html).not.toContain(JWT_SECRET);
    expect(await page.getAttribute("#praisonai-0-api_key", "placeholder")).toContain("Saved");
    expect(await page.inputValue("#praisonai-0-api_key")).toBe("");

    // An empty key field keeps the saved key: saving again changes nothing that works.
    await Promise.all([page.waitForLoadState("load"), page.click("#submit")]);
    await Promise.all([
      page.waitForURL(/options-general/),
      page.click("button[formaction$='praisonai_test=ppt']"),
    ]);
    const proxyResult = await page.textContent("#praisonai-test-result");
    expect(proxyResult).toContain("Reached PraisonAI PPT 1.0.0");
    expect(proxyResult).toContain("API key accepted");
    await Promise.all([
      page.waitForURL(/options-general/),
      page.click("button[formaction*='praisonai_test=ppt-direct']"),
    ]);
    const directResult = await page.textContent("#praisonai-test-result");
    expect(directResult).toContain("Token accepted");
    expect(directResult).toContain(`Browsers on ${site.url} may call the service (CORS)`);
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, "wordpress-settings.png"), fullPage: true });
  }, 60_000);

  it("loads the widget's script and style only on pages that show a widget", async () => {
    const plain = await (await fetch(pageUrl(site.pages.plain))).text();
    expect(plain).not.toContain("praisonai-svc/assets/widget");
    const chat = await (await fetch(pageUrl(site.pages.chat))).text();
    const head = chat.slice(0, chat.indexOf("</head>"));
    expect(head).toMatch(/<link[^>]+praisonai-svc\/assets\/widget\.css/);
    expect(chat).toMatch(/<script[^>]+src=['"][^'"]+praisonai-svc\/assets\/widget\.js/);
  });

  it("lets a logged-in user submit the sample deck in proxy mode, follow its status and download the .pptx", async () => {
    const page = await userPage("alice");
    await page.goto(pageUrl(site.pages.chat));
    const seen = await watchAnnouncements(page);
    await page.fill(".praisonai-chat__input", await SAMPLE_YAML());
    await page.click(".praisonai-chat__send");
    await page.waitForSelector('.praisonai-chat__message[data-status="done"]', { timeout: 60_000 });
    const statuses = (await seen()).map((s) => s.replace(/^Request 1: /, ""));
    expect(statuses[0]).toBe("Queued");
    expect(statuses.at(-1)).toBe("Done");
    // In order, each at most once (a fast job may be done before a poll sees it processing).
    expect(statuses).toEqual(["Queued", "Processing…", "Done"].filter((s) => statuses.includes(s)));
    expect(await page.inputValue(".praisonai-chat__input")).toBe("");
    jobs.alice = (await page.getAttribute(".praisonai-chat__message", "data-job-id")) ?? undefined;

    const pptx = await readPptx(
      await downloadPptx(page, ".praisonai-chat__message .praisonai-chat__download"),
    );
    expect(pptx.slides).toHaveLength(10);
    expect(pptx.slides[0]?.shapes.get("Title")).toBe("Faith, Hope and Love");
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, "wordpress-widget.png"), fullPage: true });
  }, 90_000);

  it("fills the input from the service's example and from an attached .yaml file, and refuses other files", async () => {
    const page = await userPage("alice");
    await page.goto(pageUrl(site.pages.chat));
    await page.click(".praisonai-chat__example");
    await page.waitForFunction(() =>
      (document.querySelector<HTMLTextAreaElement>(".praisonai-chat__input")?.value ?? "").includes(
        "presentation_title",
      ),
    );
    expect(JSON.parse(await page.inputValue(".praisonai-chat__input"))).toMatchObject({
      presentation_title: "Faith, Hope and Love",
    });
    await page.setInputFiles(".praisonai-chat__file", path.join(ROOT, "examples/ppt/sample.yaml"));
    await page.waitForFunction(() =>
      (document.querySelector<HTMLTextAreaElement>(".praisonai-chat__input")?.value ?? "").startsWith(
        "# A PraisonAIPPT deck",
      ),
    );
    expect(await page.inputValue(".praisonai-chat__input")).toBe(await SAMPLE_YAML());
    await page.setInputFiles(".praisonai-chat__file", {
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("hello"),
    });
    await page.waitForSelector(".praisonai-chat__error p");
    expect(await page.textContent(".praisonai-chat__error")).toBe("Attach a .yaml, .yml or .json file.");
    expect(await page.inputValue(".praisonai-chat__input")).toBe(await SAMPLE_YAML());
  }, 60_000);

  it("lists each failing field of a 422 under the input and keeps what was typed", async () => {
    const page = await userPage("alice");
    await page.goto(pageUrl(site.pages.chat));
    const typed = "presentation_title: No sections here\n";
    await page.fill(".praisonai-chat__input", typed);
    await page.click(".praisonai-chat__send");
    const field = page.locator(".praisonai-chat__fields li");
    await field.first().waitFor();
    expect(await field.allTextContents()).toEqual([
      "sections is required: a list of sections, each with `section` and `verses`",
    ]);
    expect(await page.inputValue(".praisonai-chat__input")).toBe(typed);
    expect(await page.getAttribute(".praisonai-chat__input", "aria-invalid")).toBe("true");
    expect(await page.locator(".praisonai-chat__message").count()).toBe(0);

    // A 400 shows the service's detail (the malformed JSON is forwarded, not judged by WordPress).
    await page.fill(".praisonai-chat__input", '{"presentation_title": ');
    await page.click(".praisonai-chat__send");
    await page.waitForFunction(() => !document.querySelector(".praisonai-chat__fields"));
    const detail = await page.textContent(".praisonai-chat__error");
    expect(detail).toMatch(/JSON/);
    expect(detail).not.toContain("Invalid JSON body passed");

    // 413 and 415 are answered before anything is forwarded.
    const big = await restFromPage(page, "jobs?service=ppt", {
      method: "POST",
      type: "application/json",
      body: `"${"x".repeat(1_048_577)}"`,
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).detail).toBe("The request body is larger than the limit of 1048576 bytes.");
    const text = await restFromPage(page, "jobs?service=ppt", {
      method: "POST",
      type: "text/plain",
      body: "hello",
    });
    expect(text.status).toBe(415);
  }, 60_000);

  it("keeps another user out of the first user's job, in the UI and on the REST routes; an administrator sees it", async () => {
    const id = jobs.alice as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const bob = await userPage("bob");
    await bob.goto(pageUrl(site.pages.chat));
    for (const route of [`jobs/${id}`, `jobs/${id}/download`]) {
      const res = await restFromPage(bob, route);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body).detail).toBe("No job with this id was submitted from your account.");
    }
    // Following the download link itself, as a browser would:
    const nonce = await bob.getAttribute("[data-praisonai-chat]", "data-nonce");
    const direct = await bob.goto(
      `${site.url}/?rest_route=/praisonai/v1/jobs/${id}/download&_wpnonce=${nonce}`,
    );
    expect(direct?.status()).toBe(404);
    // Bob's own files do not list it.
    await bob.goto(pageUrl(site.pages.chat));
    expect(await bob.locator(`[data-job-id="${id}"]`).count()).toBe(0);

    const admin = await userPage("admin");
    await admin.goto(pageUrl(site.pages.chat));
    const read = await restFromPage(admin, `jobs/${id}`);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ job_id: id, status: "done" });
  }, 60_000);

  it("lets visitors in where the site owner allows them, up to their hourly limit, and says when to try again", async () => {
    const page = await userPage();
    await page.goto(pageUrl(site.pages.open));
    await page.fill(
      ".praisonai-chat__input",
      "presentation_title: A visitor's deck\nsections:\n  - section: One\n    verses:\n      - reference: R\n        text: T\n",
    );
    await page.click(".praisonai-chat__send");
    await page.waitForSelector(".praisonai-chat__message");
    await page.fill(
      ".praisonai-chat__input",
      "presentation_title: A second deck\nsections:\n  - section: One\n    verses:\n      - reference: R\n        text: T\n",
    );
    await page.click(".praisonai-chat__send");
    await page.waitForSelector(".praisonai-chat__error p");
    const message = (await page.textContent(".praisonai-chat__error")) ?? "";
    expect(message).toContain("Visitors may submit 1 job an hour to this service.");
    const wait = Number(/Try again in (\d+) s/.exec(message)?.[1]);
    expect(wait).toBeGreaterThan(3500);
    expect(wait).toBeLessThanOrEqual(3600);
    expect(await page.locator(".praisonai-chat__message").count()).toBe(1);
  }, 60_000);

  it("refuses a visitor when the service is for logged-in users, and keeps subscribers out of its settings", async () => {
    const page = await userPage();
    await page.goto(pageUrl(site.pages.chat));
    expect(await page.textContent(".praisonai-chat")).toContain("Please log in to use this service.");
    expect(await page.locator(".praisonai-chat__input").count()).toBe(0);
    const res = await page.evaluate(async (url) => {
      const r = await fetch(`${url}/?rest_route=/praisonai/v1/jobs&service=ppt`, {
        method: "POST",
        headers: { "Content-Type": "application/yaml" },
        body: "presentation_title: x\n",
      });
      return { status: r.status, body: (await r.json()) as { message: string } };
    }, site.url);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("Please log in to use this service.");
    const bob = await userPage("bob");
    const settings = await bob.goto(`${site.url}/wp-admin/options-general.php?page=praisonai-svc`);
    expect(settings?.status()).toBe(403);
    expect(await bob.content()).not.toContain(API_KEY);
  }, 60_000);

  it("in direct mode, calls the service through CORS with a short-lived WordPress token, beside an untouched proxy widget", async () => {
    const page = await userPage("alice");
    const calls: { url: string; auth?: string; apiKey?: string }[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(serviceUrl))
        calls.push({ url: r.url(), auth: r.headers().authorization, apiKey: r.headers()["x-api-key"] });
    });
    await page.goto(pageUrl(site.pages.two));
    const direct = page.locator(".praisonai-chat").nth(1);
    await direct.locator(".praisonai-chat__example").click();
    await page.waitForFunction(() =>
      (document.querySelectorAll<HTMLTextAreaElement>(".praisonai-chat__input")[1]?.value ?? "").includes(
        "presentation_title",
      ),
    );
    await direct.locator(".praisonai-chat__send").click();
    await direct.locator('.praisonai-chat__message[data-status="done"]').waitFor({ timeout: 60_000 });
    jobs.direct = (await direct.locator(".praisonai-chat__message").getAttribute("data-job-id")) ?? undefined;
    const pptx = await readPptx(
      await downloadPptx(page, ".praisonai-chat >> nth=1 >> .praisonai-chat__download"),
    );
    expect(pptx.slides[0]?.shapes.get("Title")).toBe("Faith, Hope and Love");

    // The other widget on the page has nothing in its thread.
    expect(await page.locator(".praisonai-chat").nth(0).locator(".praisonai-chat__message").count()).toBe(0);
    const posts = calls.filter((c) => c.url === `${serviceUrl}/jobs`);
    expect(posts.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.apiKey === undefined)).toBe(true);
    const token = calls.find((c) => c.auth)?.auth?.replace(/^Bearer /, "") ?? "";
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({
      aud: "praisonai-svc",
      iss: site.url,
      sub: expect.stringMatching(/^wp-user-\d+$/),
    });
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(300);
  }, 90_000);

  it("says so when the service is down, keeps the text, and finishes a job once the service is back", async () => {
    const page = await userPage("alice");
    await page.goto(pageUrl(site.pages.chat));
    // A payload of its own: the service would return the earlier job for the same one (it dedupes).
    const sample = (await SAMPLE_YAML()).replace(
      /^presentation_title: .*$/m,
      "presentation_title: Kept through an outage",
    );
    expect(sample).toContain("Kept through an outage");
    await stopService();
    await page.fill(".praisonai-chat__input", sample);
    await page.click(".praisonai-chat__send");
    await page.waitForSelector(".praisonai-chat__error p");
    expect(await page.textContent(".praisonai-chat__error")).toContain(
      "cannot be reached right now, so nothing was submitted",
    );
    expect(await page.inputValue(".praisonai-chat__input")).toBe(sample);

    // The API alone: the job is accepted and waits in the queue.
    await startService("api");
    await page.click(".praisonai-chat__send");
    await page.waitForSelector('.praisonai-chat__message[data-status="queued"]');
    await stopService(); // mid-way
    await page.waitForSelector(".praisonai-chat__note:has-text('retrying in')", { timeout: 30_000 });
    expect(await page.textContent(".praisonai-chat__note")).toContain("cannot be reached right now");
    await startService("run");
    await page.waitForSelector('.praisonai-chat__message[data-status="done"]', { timeout: 60_000 });
    expect(await page.locator(".praisonai-chat__message .praisonai-chat__download").count()).toBe(1);
    // "Your files" lists the user's earlier deck too.
    expect(await page.locator(`.praisonai-chat__recent [data-job-id="${jobs.alice}"] button`).count()).toBe(
      1,
    );
  }, 120_000);

  it("works at 320 px wide, by keyboard, with a live region and AA contrast", async () => {
    const page = await userPage("alice", { width: 320, height: 700 });
    await page.goto(pageUrl(site.pages.chat));
    await page.waitForSelector(".praisonai-chat__input");
    const overflow = await page.evaluate(() => {
      const panel = document.querySelector(".praisonai-chat__panel") as HTMLElement;
      return { panel: panel.getBoundingClientRect().right, viewport: document.documentElement.clientWidth };
    });
    expect(overflow.panel).toBeLessThanOrEqual(overflow.viewport);
    expect(await page.getAttribute(".praisonai-chat__sr", "aria-live")).toBe("polite");
    await page.focus(".praisonai-chat__input");
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press("Tab");
      order.push(await page.evaluate(() => (document.activeElement as HTMLElement).className));
    }
    expect(order).toEqual(["praisonai-chat__file", "praisonai-chat__example", "praisonai-chat__send"]);
    // Every control has a name a screen reader can read.
    const unnamed = await page.evaluate(
      () =>
        [
          ...document.querySelectorAll(
            ".praisonai-chat textarea, .praisonai-chat input, .praisonai-chat button",
          ),
        ].filter(
          (el) =>
            !(el as HTMLElement).closest("label") &&
            !el.getAttribute("aria-label") &&
            !(el.id && document.querySelector(`label[for="${el.id}"]`)) &&
            !el.textContent?.trim(),
        ).length,
    );
    expect(unnamed).toBe(0);
    // Text and controls keep a contrast of at least 4.5:1 (WCAG AA) with the default colours.
    const selectors = [
      ".praisonai-chat__heading",
      ".praisonai-chat__label",
      ".praisonai-chat__example",
      ".praisonai-chat__send",
      ".praisonai-chat__attach span",
      ".praisonai-chat__input",
    ];
    const ratios = await contrastRatios(page, selectors);
    expect(Object.keys(ratios)).toEqual(selectors);
    for (const [selector, ratio] of Object.entries(ratios))
      expect(ratio, selector).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, "wordpress-widget-320.png"), fullPage: true });
  }, 60_000);

  it("works on a page outside WordPress under a strict Content-Security-Policy, with its own token endpoint", async () => {
    const page = await userPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${standalone.url}/?service=${encodeURIComponent(serviceUrl)}`);
    await page.fill(
      ".praisonai-chat__input",
      JSON.stringify({
        presentation_title: "Outside",
        sections: [{ section: "A", verses: [{ reference: "R", text: "T" }] }],
      }),
    );
    await page.click(".praisonai-chat__send");
    await page.waitForSelector('.praisonai-chat__message[data-status="done"]', { timeout: 60_000 });
    expect(violations).toEqual([]);
    expect(standalone.csp()).toContain("script-src 'self'");
  }, 90_000);

  it("shows a running job's progress and stops it with the keyboard: cancelled in the widget, the service and the history", async () => {
    const admin = await userPage("admin");
    const settings = `${site.url}/wp-admin/options-general.php?page=praisonai-svc`;
    await admin.goto(settings);
    await admin.fill("#praisonai-3-name", "steps");
    await admin.fill("#praisonai-3-label", "Steps");
    await admin.fill("#praisonai-3-base_url", stepsUrl);
    await admin.fill("#praisonai-3-api_key", API_KEY);
    await Promise.all([admin.waitForLoadState("load"), admin.click("#submit")]);
    await admin.goto(settings);
    await admin.fill("#praisonai-4-name", "steps-direct");
    await admin.fill("#praisonai-4-label", "Steps (direct)");
    await admin.fill("#praisonai-4-base_url", stepsUrl);
    await admin.selectOption("#praisonai-4-mode", "direct");
    await admin.fill("#praisonai-4-jwt_secret", JWT_SECRET);
    await Promise.all([admin.waitForLoadState("load"), admin.click("#submit")]);

    const page = await userPage("alice");
    await page.goto(pageUrl(site.pages.steps));
    const proxy = page.locator(".praisonai-chat").nth(0);
    await proxy.locator(".praisonai-chat__input").fill('{"steps": 10, "step_ms": 1500, "run": "stop"}');
    await proxy.locator(".praisonai-chat__send").click();
    const message = proxy.locator(".praisonai-chat__message");
    await message.locator(".praisonai-chat__stop").waitFor();
    // The bar moves: at least two distinct fractions show in the DOM while the job runs.
    const fractions = await page.waitForFunction(
      () => {
        const w = window as unknown as { __fractions?: Set<string> };
        w.__fractions ??= new Set();
        const bar = document
          .querySelectorAll(".praisonai-chat")[0]
          ?.querySelector(".praisonai-chat__progress");
        const f = bar?.getAttribute("data-fraction");
        if (f) w.__fractions.add(f);
        return w.__fractions.size >= 2 ? [...w.__fractions] : false;
      },
      undefined,
      { polling: 100, timeout: 30_000 },
    );
    const seen = ((await fractions.jsonValue()) as string[]).map(Number);
    expect(new Set(seen).size).toBeGreaterThanOrEqual(2);
    for (const f of seen) expect(f).toBeLessThan(1);
    expect(await message.getAttribute("data-status")).toBe("processing");
    const bar = message.locator(".praisonai-chat__progress progress");
    expect(await bar.getAttribute("aria-label")).toBe("Progress of request 1");
    expect(await bar.getAttribute("aria-valuetext")).toMatch(/^\d+ % · Step \d+ of 10$/);
    expect(await message.locator(".praisonai-chat__progress-text").textContent()).toMatch(/Step \d+ of 10/);
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, "wordpress-progress.png"), fullPage: true });

    // Without the nonce, WordPress does not count the cookie: the site does not know whose job it is.
    const noNonce = await page.evaluate(
      async ({ base, id }) =>
        (await fetch(`${base}/?rest_route=/praisonai/v1/jobs/${id}`, { method: "DELETE" })).status,
      { base: site.url, id: await message.getAttribute("data-job-id") },
    );
    expect([401, 404]).toContain(noNonce);
    expect(await message.getAttribute("data-status")).toBe("processing");

    // Stop, by keyboard.
    const stop = message.locator(".praisonai-chat__stop");
    expect(await stop.getAttribute("aria-label")).toBe("Stop request 1");
    await stop.focus();
    await page.keyboard.press("Enter");
    await proxy.locator('.praisonai-chat__message[data-status="cancelled"]').waitFor({ timeout: 15_000 });
    expect(await message.locator(".praisonai-chat__status").textContent()).toBe("Cancelled");
    expect(await message.locator(".praisonai-chat__stop").count()).toBe(0);
    expect(await message.locator(".praisonai-chat__progress").count()).toBe(0);
    const id = (await message.getAttribute("data-job-id")) as string;
    jobs.stopped = id;
    const inService = (await (
      await fetch(`${stepsUrl}/jobs/${id}`, { headers: { "X-API-Key": API_KEY } })
    ).json()) as { status: string };
    expect(inService.status).toBe("cancelled");
    // The other widget on the page is untouched.
    expect(await page.locator(".praisonai-chat").nth(1).locator(".praisonai-chat__message").count()).toBe(0);

    // Another user may not stop it (404, as for reading it).
    const bob = await userPage("bob");
    await bob.goto(pageUrl(site.pages.steps));
    const refused = await restFromPage(bob, `jobs/${id}`, { method: "DELETE" });
    expect(refused.status).toBe(404);

    await admin.goto(`${site.url}/wp-admin/tools.php?page=praisonai-svc-jobs&status=cancelled`);
    expect(await admin.textContent("table.wp-list-table")).toContain(id);
  }, 90_000);

  it("shows the result with a note when the job finished before Stop reached it (409)", async () => {
    const page = await userPage("alice");
    await page.goto(pageUrl(site.pages.steps));
    // Hold the widget's status reads (a slow network), so it still offers Stop after the job is done.
    let release: () => void = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    await page.route(
      (url) => /\/praisonai\/v1\/jobs\/[0-9a-f-]{36}(&|$)/.test(decodeURIComponent(url.toString())),
      async (route) => {
        if (route.request().method() === "GET") await released;
        await route.continue();
      },
    );
    const proxy = page.locator(".praisonai-chat").nth(0);
    await proxy.locator(".praisonai-chat__input").fill('{"steps": 1, "step_ms": 0, "run": "409"}');
    await proxy.locator(".praisonai-chat__send").click();
    const message = proxy.locator(".praisonai-chat__message");
    await message.locator(".praisonai-chat__stop").waitFor();
    const id = (await message.getAttribute("data-job-id")) as string;
    await waitForJob(stepsUrl, id, { headers: { "X-API-Key": API_KEY } });
    const cancel = page.waitForResponse((r) => r.request().method() === "DELETE");
    await message.locator(".praisonai-chat__stop").click();
    expect((await cancel).status()).toBe(409);
    release();
    await proxy.locator('.praisonai-chat__message[data-status="done"]').waitFor({ timeout: 15_000 });
    expect(await message.locator(".praisonai-chat__note").textContent()).toBe(
      "It finished before it could be stopped.",
    );
    expect(await message.locator(".praisonai-chat__download").textContent()).toBe("Download steps.txt");
    expect(await message.locator(".praisonai-chat__stop").count()).toBe(0);
  }, 60_000);

  it("after a reload while a job runs, shows the request again and follows it to its Download (proxy mode)", async () => {
    const page = await userPage("alice");
    await page.goto(pageUrl(site.pages.steps));
    const proxy = page.locator(".praisonai-chat").nth(0);
    await proxy.locator(".praisonai-chat__input").fill('{"steps": 6, "step_ms": 1000, "run": "reload"}');
    await proxy.locator(".praisonai-chat__send").click();
    const message = proxy.locator(".praisonai-chat__message");
    await proxy.locator('.praisonai-chat__message[data-status="processing"]').waitFor({ timeout: 15_000 });
    const id = await message.getAttribute("data-job-id");

    await page.reload();
    const again = page.locator(".praisonai-chat").nth(0).locator(".praisonai-chat__message");
    await again.waitFor({ timeout: 10_000 });
    expect(await again.getAttribute("data-job-id")).toBe(id);
    expect(await again.locator(".praisonai-chat__request").textContent()).toContain('"run": "reload"');
    await again.locator(".praisonai-chat__download").waitFor({ timeout: 30_000 });
    expect(await again.getAttribute("data-status")).toBe("done");
    // The direct-mode widget on the same page keeps its own list: nothing to resume there.
    expect(await page.locator(".praisonai-chat").nth(1).locator(".praisonai-chat__message").count()).toBe(0);
  }, 60_000);

  it("in direct mode, shows progress and stops the job with the WordPress token; the history records it", async () => {
    const page = await userPage("alice");
    const deletes: { url: string; auth?: string }[] = [];
    page.on("request", (r) => {
      if (r.method() === "DELETE") deletes.push({ url: r.url(), auth: r.headers().authorization });
    });
    await page.goto(pageUrl(site.pages.steps));
    const direct = page.locator(".praisonai-chat").nth(1);
    await direct.locator(".praisonai-chat__input").fill('{"steps": 10, "step_ms": 1500, "run": "direct"}');
    await direct.locator(".praisonai-chat__send").click();
    const message = direct.locator(".praisonai-chat__message");
    await message.locator(".praisonai-chat__progress:not([hidden])").waitFor({ timeout: 30_000 });
    await message.locator(".praisonai-chat__stop").click();
    await direct.locator('.praisonai-chat__message[data-status="cancelled"]').waitFor({ timeout: 15_000 });
    const id = (await message.getAttribute("data-job-id")) as string;
    jobs.stoppedDirect = id;
    expect(deletes).toEqual([{ url: `${stepsUrl}/jobs/${id}`, auth: expect.stringMatching(/^Bearer /) }]);
    // The widget reports the finished job; the site reads it with alice's token and records it.
    const admin = await userPage("admin");
    await expect
      .poll(
        async () => {
          await admin.goto(`${site.url}/wp-admin/tools.php?page=praisonai-svc-jobs&status=cancelled`);
          return admin.textContent("table.wp-list-table");
        },
        { timeout: 15_000 },
      )
      .toContain(id);
  }, 90_000);

  it("shows every job in Tools → PraisonAI jobs, filterable, with downloads; usage analytics with a chart and CSV", async () => {
    const page = await userPage("admin");
    await page.goto(`${site.url}/wp-admin/tools.php?page=praisonai-svc-jobs`);
    const rows = page.locator("table.wp-list-table tbody tr");
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    expect(await page.textContent("table.wp-list-table")).toContain(jobs.direct as string);
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, "wordpress-history.png"), fullPage: true });

    await page.selectOption("#praisonai-filter-service", "ppt-direct");
    // Wait for the filtered page itself: the current page is already loaded, so waiting for "load" alone
    // could read the unfiltered rows.
    await Promise.all([
      page.waitForURL(/[?&]service=ppt-direct/),
      page.click("#post-query-submit, input[name=filter_action]"),
    ]);
    const directRows = await rows.allTextContents();
    expect(directRows).toHaveLength(1);
    expect(directRows[0]).toContain(jobs.direct as string);

    await page.goto(`${site.url}/wp-admin/tools.php?page=praisonai-svc-jobs&status=done&service=ppt`);
    const link = page.locator("table.wp-list-table tbody tr a").first();
    const pptx = await readPptx(await downloadPptx(page, "table.wp-list-table tbody tr a >> nth=0"));
    expect(pptx.slides.length).toBeGreaterThan(1);
    expect(await link.count()).toBe(1);

    await page.goto(`${site.url}/wp-admin/tools.php?page=praisonai-svc-usage`);
    expect(await page.locator("svg.praisonai-chart rect").count()).toBeGreaterThan(0);
    expect(await page.textContent(".wrap")).toContain("100.0 %");
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, "wordpress-usage.png"), fullPage: true });
    const csvHref = (await page.getAttribute("a:has-text('Export CSV')", "href")) as string;
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), csvHref);
    expect(csv.split("\n")[0]).toBe("day,service,jobs,done,failed");
    expect(csv).toMatch(/\d{4}-\d\d-\d\d,ppt,\d+,\d+,0/);
  }, 60_000);

  it("passes the plugin's PHPUnit suite against this WordPress and the running service", async () => {
    const { stdout } = await run(
      "phpunit",
      ["--testdox", "-c", path.join(ROOT, "wordpress/tests/phpunit.xml")],
      {
        env: {
          ...process.env,
          ...site.env,
          PRAISONAI_TEST_SERVICE_URL: serviceUrl,
          PRAISONAI_TEST_API_KEY: API_KEY,
          PRAISONAI_TEST_JWT_SECRET: JWT_SECRET,
          PRAISONAI_TEST_STEPS_URL: stepsUrl,
        },
      },
    ).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`phpunit failed:\n${e.stdout}\n${e.stderr}`);
    });
    expect(stdout).toMatch(/OK \(\d+ tests?, \d+ assertions?\)/);
    // The Stop route's cases ran against the steps service (configured by the progress test above).
    expect(stdout).toContain("Only the owner stops a job and the history records it cancelled");
    expect(stdout).toContain("A job that finished first answers 409 and is recorded as it ended");
  }, 120_000);

  it("issues RS256 tokens that the service's own verifier accepts unchanged", async () => {
    const { stdout } = await run("php", [
      path.join(ROOT, "wordpress/tests/e2e/issue-rs256-token.php"),
      site.dir,
    ]);
    const issued = JSON.parse(stdout) as { token: string; public_key: string; issuer: string };
    const verifier = createJwtVerifier({
      jwtSecret: undefined,
      jwtPublicKey: parseJwtPublicKey(issued.public_key, "PRAISONAI_SVC_JWT_PUBLIC_KEY"),
      jwtAudience: "praisonai-svc",
      jwtIssuer: issued.issuer,
    });
    expect(verifier?.algorithm).toBe("RS256");
    expect(await verifier?.verify(issued.token)).toBe("sub:wp-user-7");
  });

  it("never let the API key or the token secret reach the browser, and logged no PHP notice from the plugin", async () => {
    expect(received.length).toBeGreaterThan(100);
    const leaks = received
      .filter((r) => r.text.includes(API_KEY) || r.text.includes(JWT_SECRET))
      .map((r) => r.url);
    expect(leaks).toEqual([]);
    const notices = (await debugLog(site)).split("\n").filter((l) => l.includes("/plugins/praisonai-svc/"));
    expect(notices).toEqual([]);
  });
});
