// Headless Chromium (Debian's /usr/bin/chromium, never a downloaded build) driven by playwright-core,
// with a recorder of everything the browser received, so a test can prove a secret never reached it.
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface Received {
  url: string;
  text: string;
}

export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    async close() {
      await browser.close(); // playwright removes the temporary profile it made
    },
  };
}

/**
 * Records every response (headers and body) a context's pages receive, and the headers of every request
 * they send (not request bodies: an administrator typing a key into the settings form sends it, rightly).
 */
export function recordTraffic(context: BrowserContext, into: Received[]): void {
  context.on("request", (request) => {
    into.push({ url: `request ${request.url()}`, text: JSON.stringify(request.headers()) });
  });
  context.on("response", async (response) => {
    const headers = JSON.stringify(await response.allHeaders().catch(() => ({})));
    // Redirects and aborted loads have no body.
    const body = await response.body().catch(() => Buffer.alloc(0));
    into.push({ url: response.url(), text: headers + body.toString("latin1") });
  });
}

/** Logs in through wp-login.php, as a person would. */
export async function logIn(page: Page, siteUrl: string, user: string, password: string): Promise<void> {
  await page.goto(`${siteUrl}/wp-login.php`);
  await page.fill("#user_login", user);
  await page.fill("#user_pass", password);
  await Promise.all([page.waitForURL(/wp-admin|profile/), page.click("#wp-submit")]);
}
