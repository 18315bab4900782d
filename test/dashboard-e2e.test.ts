// The admin dashboard in headless Chromium against `praisonai-svc api` as a process: the key typed once
// (kept in sessionStorage, sent as a header, never in a URL), the stats, the job list with its filters and
// pages, a job's detail view with its download link and Cancel button, and the poison queue with requeue.
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePoisonRecord } from "../src/jobs/poison.js";
import { freePort } from "../src/local/azurite.js";
import type { JobStatus, Storage } from "../src/storage/types.js";
import { launchChromium, type Received, recordTraffic } from "./support/browser.js";
import { type CliProcess, ROOT, runCli, waitForHealth } from "./support/cli.js";
import { type PastJob, writePastJobs } from "./support/history.js";
import { SCREENSHOTS_DIR } from "./support/screenshots.js";
import { KEY_A, KEY_B } from "./support/security.js";
import { isolatedStorage } from "./support/storage.js";

const PPT = path.join(ROOT, "examples/ppt/handlers.ts");
const MIN = 60_000;

let browser: Browser;
let closeBrowser: () => Promise<void>;
beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchChromium());
});
afterAll(async () => closeBrowser?.());

/** A service with a day of history: done and failed jobs of two owners, one of them poisoned. */
async function service() {
  const { env, storage } = await isolatedStorage({
    PRAISONAI_SVC_API_KEYS: `admin:${KEY_A},wordpress:${KEY_B}`,
    PRAISONAI_SVC_READ_RATE_LIMIT: "100000",
  });
  // A day of history with the times real jobs have: 4 s in the queue, 6 to 28 s running.
  const now = Date.now();
  const at = (agoMin: number, plusS = 0) => new Date(now - agoMin * MIN + plusS * 1000);
  const past = (
    status: JobStatus,
    owner: string,
    agoMin: number,
    runS: number,
    extra: Partial<PastJob> = {},
  ) => ({
    status,
    owner,
    createdUtc: at(agoMin),
    startedUtc: status === "queued" ? undefined : at(agoMin, 4),
    updatedUtc: at(agoMin, status === "queued" ? 0 : 4 + runS),
    ...(status === "done" ? { filename: "slides.pptx", contentType: "application/pptx", size: 48_213 } : {}),
    ...extra,
  });
  const jobs: PastJob[] = [];
  for (let i = 0; i < 23; i++) {
    const id = randomUUID();
    const blobName = `${id}/1/slides.pptx`;
    jobs.push(
      past("done", i % 3 ? "name:wordpress" : "name:admin", 20 + i * 55, 6 + (i % 6) * 4, { id, blobName }),
    );
  }
  jobs.push(
    past("error", "name:wordpress", 12, 30, {
      errorMsg: "Error: upstream image service timed out",
      retryCount: 3,
    }),
    past("error", "name:wordpress", 7, 1, { errorMsg: "NonRetriableError: presentation_title is empty" }),
    past("processing", "name:wordpress", 1, 0),
    past("queued", "name:admin", 0.5, 0),
  );
  const ids = await writePastJobs(env, jobs);
  // The newest done job's file exists, so its detail view's link can be followed.
  const newestFile = jobs[0]?.blobName as string;
  await storage.blobs.put(newestFile, Buffer.from("PPTX bytes"), {
    contentType: "application/pptx",
    filename: "slides.pptx",
  });
  const poisoned = { id: ids[23] as string, errorMsg: "Error: upstream image service timed out" };
  await storage.poison.send(
    encodePoisonRecord({ jobId: poisoned.id, errorMsg: poisoned.errorMsg, retryCount: 3 }),
  );
  // One API for the whole suite: kept across tests, stopped after them.
  const port = await freePort();
  const proc = runCli(["api", PPT, "--port", String(port)], {
    env: { HOST: "127.0.0.1", ...env },
    keep: true,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, proc, 60_000);
  return { url, storage, poisoned, proc };
}

async function openDashboard(url: string, received: Received[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  recordTraffic(context, received);
  const page = await context.newPage();
  await page.goto(`${url}/admin`);
  return page;
}

async function logIn(page: Page, key: string): Promise<void> {
  await page.fill("#key", key);
  await page.click("#login button[type=submit]");
}

describe("the admin dashboard", () => {
  let svc: { url: string; storage: Storage; poisoned: { id: string }; proc: CliProcess };
  beforeAll(async () => {
    svc = await service();
  }, 120_000);
  afterAll(async () => {
    svc?.proc.kill("SIGTERM");
    await svc?.proc.exited;
  });

  it("asks for the key once, then shows the stats, the jobs and the poison queue; the key never enters a URL", async () => {
    const received: Received[] = [];
    const page = await openDashboard(svc.url, received);
    expect(await page.isVisible("#login")).toBe(true);
    expect(await page.isVisible("#board")).toBe(false);
    await logIn(page, KEY_A);

    await page.waitForFunction(() => document.querySelector("#s-total")?.textContent === "27");
    expect(await page.textContent("#s-done")).toBe("23");
    expect(await page.textContent("#s-error")).toBe("2");
    expect(await page.textContent("#s-active")).toBe("2");
    expect(await page.textContent("#s-cancelled")).toBe("0");
    expect(await page.textContent("#s-poison")).toBe("1");
    expect(await page.textContent("#s-wait")).toBe("4.0 s · 4.0 s");
    // Nearest rank over the 23 done jobs' run times (6, 10, 14, 18, 22, 26 s in turn).
    expect(await page.textContent("#s-duration")).toBe("14.0 s · 26.0 s");
    expect(await page.locator("#hours-chart div").count()).toBe(24);

    await page.waitForSelector("#job-rows tr >> nth=19");
    expect(await page.locator("#job-rows tr").count()).toBe(20);
    expect(await page.isVisible("#more")).toBe(true);
    await page.waitForSelector(`#poison-rows tr[data-job], #poison-rows td.id`);
    expect(await page.textContent("#poison-rows")).toContain(svc.poisoned.id);
    expect(await page.textContent("#poison-rows")).toContain("upstream image service timed out");
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, "admin-dashboard.png"), fullPage: true });

    // Kept for the tab: a reload needs no key.
    expect(await page.evaluate(() => sessionStorage.getItem("praisonai-svc-admin-key"))).toBe(KEY_A);
    await page.reload();
    await page.waitForFunction(() => document.querySelector("#s-total")?.textContent === "27");
    expect(await page.isVisible("#login")).toBe(false);

    const urls = received.filter((r) => r.url.startsWith("request ")).map((r) => r.url);
    expect(urls.some((u) => u.includes("/admin/stats"))).toBe(true);
    for (const u of urls) expect(u).not.toContain(KEY_A);
    const sent = received.filter((r) => r.url.includes("/admin/stats") && r.url.startsWith("request "));
    expect(sent[0]?.text).toContain(`"x-api-key":"${KEY_A}"`);
    await page.context().close();
  }, 90_000);

  it("filters the jobs by status and owner, and pages to older ones", async () => {
    const page = await openDashboard(svc.url, []);
    await logIn(page, KEY_A);
    await page.waitForSelector("#job-rows tr >> nth=19");
    await page.click("#more");
    await page.waitForFunction(() => document.querySelectorAll("#job-rows tr").length === 27);
    expect(await page.isVisible("#more")).toBe(false);

    await page.selectOption("#f-status", "error");
    await page.click("#filters button[type=submit]");
    await page.waitForFunction(() => document.querySelectorAll("#job-rows tr").length === 2);
    expect(await page.textContent("#job-rows")).toContain("presentation_title is empty");

    await page.selectOption("#f-status", "");
    await page.click("#filters button[type=submit]");
    await page.waitForFunction(() => document.querySelectorAll("#job-rows tr").length === 20);
    // An owner's link filters by that owner (the second newest job is one of WordPress's 18).
    await page.locator("#job-rows a.owner").nth(1).click();
    await expect.poll(() => page.inputValue("#f-owner")).toBe("name:wordpress");
    await page.waitForFunction(() => document.querySelectorAll("#job-rows tr").length === 18);
    expect(await page.isVisible("#more")).toBe(false);
    const owners = await page.locator("#job-rows a.owner").allTextContents();
    expect(new Set(owners)).toEqual(new Set(["name:wordpress"]));
    await page.context().close();
  }, 90_000);

  it("requeues a poisoned job", async () => {
    const page = await openDashboard(svc.url, []);
    await logIn(page, KEY_A);
    const button = page.locator("#poison-rows button", { hasText: "Requeue" });
    await button.click();
    await page.waitForFunction(() =>
      document.querySelector("#message")?.textContent?.includes("queued again"),
    );
    await page.waitForFunction(() => document.querySelector("#poison-rows")?.textContent?.includes("Empty"));
    expect(await svc.storage.jobs.get(svc.poisoned.id)).toMatchObject({ status: "queued", retryCount: 0 });
    await page.context().close();
  }, 90_000);

  it("opens a job's detail from the list: timings, owner, error, a download link when done", async () => {
    const received: Received[] = [];
    const page = await openDashboard(svc.url, received);
    await logIn(page, KEY_A);
    await page.waitForSelector("#job-rows tr >> nth=19");
    expect(await page.isVisible("#detail")).toBe(false);

    // The newest done job: another owner's (name:admin submitted every third), 4 s queued, 6 s running.
    const done = page.locator("#job-rows tr", { has: page.locator(".status.done") }).first();
    const doneId = (await done.getAttribute("data-job")) as string;
    await done.locator("a.job").click();
    await page.waitForFunction((id) => document.querySelector("#d-id")?.textContent === id, doneId);
    expect(page.url()).toBe(`${svc.url}/admin#job=${doneId}`);
    const fields = async () =>
      Object.fromEntries(
        await page.$$eval("#d-fields dt", (dts) =>
          dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]),
        ),
      );
    expect(await fields()).toMatchObject({
      Status: "done",
      Owner: "name:admin",
      "Queue wait": "4.0 s",
      "Run time": "6.0 s",
      Retries: "0",
      File: "slides.pptx (48213 bytes, application/pptx)",
    });
    const href = (await page.getAttribute("#d-download", "href")) as string;
    expect(await page.isVisible("#d-download")).toBe(true);
    expect(href).toContain(`/${doneId}/`);
    expect(href).toMatch(/[?&]sig=/);
    const file = await fetch(href);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("PPTX bytes");
    expect(await page.isVisible("#d-cancel")).toBe(false);
    await page.locator("#detail").screenshot({ path: path.join(SCREENSHOTS_DIR, "admin-job-detail.png") });

    // A failed job of the other owner shows its error and offers neither download nor cancel.
    const failed = page.locator("#job-rows tr", { hasText: "presentation_title is empty" });
    const failedId = (await failed.getAttribute("data-job")) as string;
    await failed.locator("a.job").click();
    await page.waitForFunction((id) => document.querySelector("#d-id")?.textContent === id, failedId);
    expect(await fields()).toMatchObject({
      Status: "error",
      Owner: "name:wordpress",
      Error: "NonRetriableError: presentation_title is empty",
    });
    expect(await page.isVisible("#d-download")).toBe(false);
    expect(await page.isVisible("#d-cancel")).toBe(false);

    // The address opens the same view after a reload (the key stays out of it); Close hides it.
    await page.reload();
    await page.waitForFunction((id) => document.querySelector("#d-id")?.textContent === id, failedId);
    expect(await page.isVisible("#detail")).toBe(true);
    await page.click("#d-close");
    await page.waitForFunction(() => (document.querySelector("#detail") as HTMLElement).hidden);
    for (const r of received) expect(r.url).not.toContain(KEY_A);
    await page.context().close();
  }, 90_000);

  it("cancels a queued job from its detail view, and counts it as cancelled", async () => {
    const page = await openDashboard(svc.url, []);
    await logIn(page, KEY_A);
    const queued = page.locator("#job-rows tr", { has: page.locator(".status.queued") }).first();
    const id = (await queued.getAttribute("data-job")) as string;
    await queued.locator("a.job").click();
    await page.waitForFunction((jobId) => document.querySelector("#d-id")?.textContent === jobId, id);
    expect(await page.isVisible("#d-download")).toBe(false);
    await page.click("#d-cancel");
    await page.waitForFunction(() => document.querySelector("#message")?.textContent?.includes("cancelled"));
    await page.waitForFunction(
      () => document.querySelector("#d-fields .status")?.textContent === "cancelled",
    );
    expect(await page.isVisible("#d-cancel")).toBe(false);
    expect((await svc.storage.jobs.get(id))?.status).toBe("cancelled");
    await page.waitForFunction(() => document.querySelector("#s-cancelled")?.textContent === "1");
    expect(await page.textContent(`#job-rows tr[data-job="${id}"] .status`)).toBe("cancelled");

    await page.selectOption("#f-status", "cancelled");
    await page.click("#filters button[type=submit]");
    await page.waitForFunction(() => document.querySelectorAll("#job-rows tr").length === 1);
    expect(await page.getAttribute("#job-rows tr", "data-job")).toBe(id);
    await page.context().close();
  }, 90_000);

  it("forgets a key the service refuses, and says why", async () => {
    const page = await openDashboard(svc.url, []);
    await logIn(page, KEY_B);
    await page.waitForFunction(() => document.querySelector("#message")?.textContent?.includes("refused"));
    expect(await page.textContent("#message")).toContain("Admin routes need the key named admin");
    expect(await page.isVisible("#login")).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem("praisonai-svc-admin-key"))).toBeNull();
    await page.context().close();
  }, 90_000);
});
