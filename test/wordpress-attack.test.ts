// The plugin tried from outside, as a hostile visitor would, through a real WordPress (Debian's, on
// MariaDB, `php -S` with 4 workers) in front of a real service (`praisonai-svc run` with the steps
// fixture and an API key): parallel submissions against the visitors' hourly limit, and a visitor
// whose earlier request holds the limit's lock longer than the plugin waits.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/local/azurite.js";
import { type CliProcess, ROOT, runCli, waitForHealth } from "./support/cli.js";
import { isolatedEnv } from "./support/storage.js";
import { debugLog, startWordPress, type WordPressSite } from "./support/wordpress.js";

const run = promisify(execFile);
const API_KEY = `wpattack${randomBytes(16).toString("hex")}`;
/** How long the plugin waits for a visitor's lock here (30 s by default; the filter makes the test short). */
const LOCK_WAIT_S = 3;

let site: WordPressSite;
let service: CliProcess | undefined;

/** A visitor's submission through the plugin's REST route, with their cookie. */
async function submit(cookie: string, payload: unknown, serviceName = "open") {
  const res = await fetch(`${site.url}/?rest_route=/praisonai/v1/jobs&service=${serviceName}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: `praisonai_visitor=${cookie}` },
    body: JSON.stringify(payload),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const visitorCookie = () => randomBytes(16).toString("hex");

describe("the WordPress plugin tried from outside", () => {
  beforeAll(async () => {
    site = await startWordPress("attack");
    const port = await freePort();
    const serviceUrl = `http://127.0.0.1:${port}`;
    service = runCli(["run", "test/fixtures/handlers/steps.ts", "--port", String(port)], {
      env: isolatedEnv({ PRAISONAI_SVC_API_KEYS: `wordpress:${API_KEY}`, PRAISONAI_SVC_LOG_LEVEL: "warn" }),
      keep: true,
    });
    await waitForHealth(serviceUrl, service, 30_000);
    await cp(
      path.join(ROOT, "wordpress/praisonai-svc"),
      path.join(site.dir, "wp-content/plugins/praisonai-svc"),
      {
        recursive: true,
      },
    );
    await writeFile(
      path.join(site.dir, "wp-content/mu-plugins/praisonai-lock-wait.php"),
      `<?php\nadd_filter('praisonai_svc_visitor_lock_wait', static fn () => ${LOCK_WAIT_S});\n`,
    );
    const row = (name: string, limit: number) => ({
      name,
      label: name,
      base_url: serviceUrl,
      api_key: API_KEY,
      mode: "proxy",
      access: "visitors",
      visitor_limit: limit,
    });
    await run("php", [path.join(ROOT, "wordpress/tests/e2e/configure-site.php"), site.dir], {
      env: {
        ...process.env,
        ...site.env,
        PRAISONAI_TEST_SERVICES: JSON.stringify([row("open", 1), row("wide", 50)]),
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (service) {
      service.kill("SIGTERM");
      await service.exited;
    }
    await site?.stop();
  }, 60_000);

  it("lets exactly one of 8 parallel submissions through a limit of 1 (the count and the submission are one step)", async () => {
    const cookie = visitorCookie();
    // Distinct payloads: the service would answer identical ones with the same job.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => submit(cookie, { steps: 1, step_ms: 0, attempt: i, run: cookie })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 429, 429, 429, 429, 429, 429, 429]);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(refused.headers.get("content-type")).toContain("application/problem+json");
      expect(refused.body.detail).toBe("Visitors may submit 1 job an hour to this service.");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3500);
    }
    // A new cookie and a made-up forwarding header do not reset it: the address counted is the connection's.
    const evasion = await fetch(`${site.url}/?rest_route=/praisonai/v1/jobs&service=open`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: `praisonai_visitor=${visitorCookie()}`,
        "x-forwarded-for": "203.0.113.9",
        "x-real-ip": "203.0.113.9",
      },
      body: JSON.stringify({ steps: 1, step_ms: 0, evasion: cookie }),
    });
    expect(evasion.status).toBe(429);
    // Other visitors are not held up by this one's limit.
    expect((await submit(visitorCookie(), { steps: 1, step_ms: 0, other: cookie }, "wide")).status).toBe(202);
  }, 60_000);

  it("answers 503 problem+json with Retry-After when the visitor's earlier request holds the lock too long", async () => {
    const cookie = visitorCookie();
    // Another connection takes this visitor's lock, as a slow earlier request of theirs would.
    const holder: ChildProcess = spawn(
      "php",
      [
        "-r",
        `require getenv('PRAISONAI_TEST_SITE') . '/wp-load.php';
         $lock = new PraisonAI\\Svc\\VisitorLock();
         if (!$lock->acquire(PraisonAI\\Svc\\Requester::forVisitor('${cookie}', '127.0.0.1'), 'wide', 0)) { exit(1); }
         echo "held\\n";
         sleep(20);`,
      ],
      { env: { ...process.env, ...site.env }, stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout?.on("data", (d: Buffer) => d.toString().includes("held") && resolve());
        holder.once("exit", (code) => reject(new Error(`the lock holder exited with ${code}`)));
      });
      const started = Date.now();
      const answer = await submit(cookie, { steps: 1, step_ms: 0, held: cookie }, "wide");
      const waited = Date.now() - started;
      expect(answer.status).toBe(503);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
      expect(answer.headers.get("retry-after")).toBe("5");
      expect(answer.body.detail).toBe(
        "Your earlier request to this service is still being sent. Try again in a moment.",
      );
      expect(waited).toBeGreaterThanOrEqual(LOCK_WAIT_S * 1000 - 100);
      expect(waited).toBeLessThan(LOCK_WAIT_S * 1000 + 5000);
    } finally {
      if (holder.pid && holder.exitCode === null) {
        const exited = new Promise((r) => holder.once("exit", r));
        process.kill(holder.pid, "SIGTERM");
        await exited;
      }
    }
    // The lock went with the holder's connection: the visitor is served again.
    expect((await submit(cookie, { steps: 1, step_ms: 0, after: cookie }, "wide")).status).toBe(202);
  }, 60_000);

  it("refuses a job id that is not one before calling the service, and another visitor's job with 404", async () => {
    for (const id of ["..%2F..%2Fadmin", "00000000-0000-4000-8000-00000000000G"]) {
      const res = await fetch(`${site.url}/?rest_route=/praisonai/v1/jobs/${id}`);
      expect(res.status).toBe(404);
    }
    const owner = visitorCookie();
    const mine = await submit(owner, { steps: 1, step_ms: 0, owner }, "wide");
    expect(mine.status).toBe(202);
    const read = (cookie: string) =>
      fetch(`${site.url}/?rest_route=/praisonai/v1/jobs/${mine.body.job_id}`, {
        headers: { cookie: `praisonai_visitor=${cookie}` },
      });
    expect((await read(owner)).status).toBe(200);
    const stranger = await read(visitorCookie());
    expect(stranger.status).toBe(404);
    expect(((await stranger.json()) as { detail: string }).detail).toBe(
      "No job with this id was submitted from your account.",
    );
  }, 30_000);

  it("logged no PHP notice from the plugin", async () => {
    const notices = (await debugLog(site)).split("\n").filter((l) => l.includes("/plugins/praisonai-svc/"));
    expect(notices).toEqual([]);
  });
});
