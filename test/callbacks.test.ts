// Job callbacks: a signed Standard Webhooks POST with the job object once a job is finished, retried with
// backoff for a bounded time, only to allowed hosts, never following redirects, and surviving a worker crash.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { describe, expect, it, onTestFinished } from "vitest";
import { ServiceApp } from "../src/app/service-app.js";
import { loadConfig } from "../src/config/config.js";
import { NonRetriableError } from "../src/errors.js";
import { freePort } from "../src/local/azurite.js";
import { checkCallbackUrl, parseCallbackHosts } from "../src/security/callback-policy.js";
import { settle, testService } from "./support/api.js";
import { callbackReceiver, verifyStandardWebhook } from "./support/callback-receiver.js";
import { faultCluster, waitUntil } from "./support/fault-cluster.js";

const SECRET = `whsec_${randomBytes(32).toString("base64")}`;

const echo = () =>
  new ServiceApp("Echo").job((p: unknown) => {
    if ((p as { fail?: boolean }).fail) throw new NonRetriableError("refused on purpose");
    return { data: JSON.stringify(p), contentType: "application/json", filename: "echo.json" };
  });

/** Settings that allow callbacks to `hosts`, with short retry timings. */
const callbackEnv = (hosts: string[], extra: Record<string, string> = {}) => ({
  PRAISONAI_SVC_CALLBACK_HOSTS: hosts.join(","),
  PRAISONAI_SVC_CALLBACK_SECRET: SECRET,
  PRAISONAI_SVC_CALLBACK_BACKOFF: "0.2",
  ...extra,
});

const submit = async (
  api: Awaited<ReturnType<typeof testService>>["api"],
  payload: object,
  callbackUrl?: string,
) => {
  const query = callbackUrl === undefined ? "" : `?callback_url=${encodeURIComponent(callbackUrl)}`;
  return api.inject({ method: "POST", url: `/jobs${query}`, payload });
};

describe("job callbacks", () => {
  it("POSTs the finished job, signed per Standard Webhooks, as GET /jobs/{id} shows it", async () => {
    const receiver = await callbackReceiver();
    const svc = await testService(echo(), callbackEnv([receiver.host]));
    svc.startWorker();
    const res = await submit(svc.api, { n: 1 }, `${receiver.origin}/hooks/done?site=a`);
    expect(res.statusCode).toBe(202);
    const id = res.json().job_id as string;

    const [callback] = await receiver.waitFor(1);
    const job = await settle(svc.api, id);
    expect(callback?.headers["content-type"]).toBe("application/json");
    expect(callback?.headers["webhook-id"]).toBe(`${id}-done`);
    expect(verifyStandardWebhook(SECRET, callback as never)).toBe(true);
    expect(verifyStandardWebhook(`whsec_${randomBytes(32).toString("base64")}`, callback as never)).toBe(
      false,
    );
    const body = JSON.parse(callback?.body ?? "") as Record<string, unknown>;
    // No API keys here, so this GET reads as the admin, which adds `owner`; the callback is the owner's view.
    const { download_url: link, owner, ...rest } = job;
    expect(owner).toBe("");
    expect(body).toMatchObject(rest);
    expect(Object.keys(body).sort()).toEqual(
      Object.keys(job)
        .filter((k) => k !== "owner")
        .sort(),
    );
    const file = await fetch(String(body.download_url));
    expect(await file.json()).toEqual({ n: 1 });
    expect(link).toEqual(expect.any(String));
  });

  it("retries with backoff until the receiver accepts, while the job is already done", async () => {
    const receiver = await callbackReceiver((n) => ({ status: n <= 2 ? 503 : 200 }));
    const svc = await testService(echo(), callbackEnv([receiver.host]));
    svc.startWorker();
    const id = (await submit(svc.api, { n: 2 }, `${receiver.origin}/h`)).json().job_id as string;

    await receiver.waitFor(1);
    // The receiver has refused once: the job is done all the same.
    expect((await settle(svc.api, id)).status).toBe("done");
    const calls = await receiver.waitFor(3);
    expect(new Set(calls.map((c) => c.headers["webhook-id"]))).toEqual(new Set([`${id}-done`]));
    expect(calls.every((c) => verifyStandardWebhook(SECRET, c))).toBe(true);
    const gaps = calls.slice(1).map((c, i) => c.at - (calls[i] as { at: number }).at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(180);
    // Delivered: no more tries.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received).toHaveLength(3);
  });

  it("calls back for a failed job with its error", async () => {
    const receiver = await callbackReceiver();
    const svc = await testService(echo(), callbackEnv([receiver.host]));
    svc.startWorker();
    const id = (await submit(svc.api, { fail: true }, `${receiver.origin}/h`)).json().job_id as string;
    const [callback] = await receiver.waitFor(1);
    expect(callback?.headers["webhook-id"]).toBe(`${id}-error`);
    expect(JSON.parse(callback?.body ?? "")).toMatchObject({
      job_id: id,
      status: "error",
      error_msg: "refused on purpose",
    });
  });

  it("calls back for a job cancelled while queued, once the worker drops it", async () => {
    const receiver = await callbackReceiver();
    const svc = await testService(echo(), callbackEnv([receiver.host]));
    const id = (await submit(svc.api, { n: 7 }, `${receiver.origin}/h`)).json().job_id as string;
    expect((await svc.api.inject({ method: "DELETE", url: `/jobs/${id}` })).statusCode).toBe(200);
    svc.startWorker();

    const [callback] = await receiver.waitFor(1);
    expect(callback?.headers["webhook-id"]).toBe(`${id}-cancelled`);
    expect(verifyStandardWebhook(SECRET, callback as never)).toBe(true);
    expect(JSON.parse(callback?.body ?? "")).toMatchObject({ job_id: id, status: "cancelled" });
  });

  it("sends to PRAISONAI_SVC_CALLBACK_URL when a job names no callback", async () => {
    const receiver = await callbackReceiver();
    const svc = await testService(
      echo(),
      callbackEnv([receiver.host], { PRAISONAI_SVC_CALLBACK_URL: `${receiver.origin}/default` }),
    );
    svc.startWorker();
    const id = (await submit(svc.api, { n: 3 })).json().job_id as string;
    const [callback] = await receiver.waitFor(1);
    expect(JSON.parse(callback?.body ?? "")).toMatchObject({ job_id: id, status: "done" });
  });

  it("refuses a host not on the allow list (422, naming it) and a malformed URL (400)", async () => {
    const receiver = await callbackReceiver();
    const svc = await testService(echo(), callbackEnv([receiver.host]));
    const cases: [string, number, string][] = [
      ["http://169.254.169.254/metadata", 422, "169.254.169.254"],
      [`http://127.0.0.1:${receiver.port + 1}/h`, 422, `127.0.0.1:${receiver.port + 1}`],
      ["https://hooks.example.com/h", 422, "hooks.example.com"],
      ["not a url", 400, "absolute URL"],
      [`ftp://${receiver.host}/h`, 400, "http or https"],
      [`http://user:pw@${receiver.host}/h`, 400, "user name or password"],
    ];
    for (const [url, status, named] of cases) {
      const res = await submit(svc.api, { url }, url);
      expect(res.statusCode, url).toBe(status);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json().detail).toContain(named);
    }
    const twice = await svc.api.inject({
      method: "POST",
      url: `/jobs?callback_url=${receiver.origin}&callback_url=${receiver.origin}`,
      payload: { n: 4 },
    });
    expect(twice.statusCode).toBe(400);
  });

  it("is described in the OpenAPI document: the callback_url parameter and the signed POST", async () => {
    const svc = await testService(echo());
    const doc = (await svc.api.inject({ method: "GET", url: "/openapi.json" })).json();
    const post = doc.paths["/jobs"].post;
    expect(post.parameters).toContainEqual(
      expect.objectContaining({ name: "callback_url", in: "query", required: false }),
    );
    const callback = post.callbacks.jobFinished["{$request.query.callback_url}"].post;
    expect(callback.requestBody.description).toContain("webhook-signature");
    expect(callback.requestBody.content["application/json"].schema.properties.job_id).toBeDefined();
  });

  it("refuses every callback while no hosts are listed", async () => {
    const svc = await testService(echo());
    const res = await submit(svc.api, { n: 5 }, "https://hooks.example.com/h");
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toContain("hooks.example.com");
  });

  it("never follows a redirect, and gives up once the retry period is over", async () => {
    const target = await callbackReceiver();
    const receiver = await callbackReceiver(() => ({
      status: 302,
      headers: { location: `${target.origin}/x` },
    }));
    const svc = await testService(
      echo(),
      callbackEnv([receiver.host, target.host], { PRAISONAI_SVC_CALLBACK_RETRY_FOR: "1" }),
    );
    svc.startWorker();
    await submit(svc.api, { n: 6 }, `${receiver.origin}/h`);
    await receiver.waitFor(2);
    // Tries at about 0, 0.2, 0.4 and 0.8 s; the next wait would end past 1 s, so it stops.
    await new Promise((r) => setTimeout(r, 2500));
    const tries = receiver.received.length;
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(tries).toBeLessThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received).toHaveLength(tries);
    expect(target.received).toHaveLength(0);
    expect(await svc.storage.queue.count()).toBe(0);
  });

  it("is delivered by another worker after the one that committed was killed mid-callback", async () => {
    const port = await freePort();
    const c = await faultCluster({
      ...callbackEnv([`127.0.0.1:${port}`]),
      PRAISONAI_SVC_CALLBACK_URL: `http://127.0.0.1:${port}/h`,
    });
    const url = await c.startApi();
    // The first receiver never answers: the worker is inside the POST when it is killed.
    const silent = await holdingServer(port);
    const first = await c.startWorker();
    const id = await c.submit(url, { mode: "sleep", case: "callback-crash" });
    await c.waitForStatus(id, ["done"], 30_000);
    await waitUntil(
      async () => (silent.requests() > 0 ? true : undefined),
      20_000,
      "the first callback POST",
    );
    first.kill("SIGKILL");
    await first.exited;
    await silent.close();

    const receiver = await callbackReceiver(() => ({ status: 204 }), port);
    await c.startWorker();
    // The message reappears once the killed worker's hold on it (callback timeout + 5 s) ends.
    const [callback] = await receiver.waitFor(1, 40_000);
    expect(callback?.headers["webhook-id"]).toBe(`${id}-done`);
    expect(verifyStandardWebhook(SECRET, callback as never)).toBe(true);
    await c.waitForQueueEmpty(10_000);
  }, 90_000);
});

describe("callback settings", () => {
  const base = { AZURE_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" };
  it("needs a secret when hosts are listed, and says how to make one", () => {
    expect(() => loadConfig({ ...base, PRAISONAI_SVC_CALLBACK_HOSTS: "hooks.example.com" })).toThrow(
      /PRAISONAI_SVC_CALLBACK_SECRET is not.*openssl rand/,
    );
  });

  it("refuses a secret that is not whsec_ and base64 of 24 to 64 bytes, without quoting it", () => {
    for (const bad of ["s3cret-value-s3cret-value-s3cret", "whsec_c2hvcnQ=", `whsec_${"%".repeat(40)}`]) {
      const load = () => loadConfig({ ...base, PRAISONAI_SVC_CALLBACK_SECRET: bad });
      expect(load).toThrow(/PRAISONAI_SVC_CALLBACK_SECRET is not valid: expected whsec_/);
      expect(() => load()).not.toThrow(bad);
    }
  });

  it("refuses a default callback URL whose host is not listed, and malformed host entries", () => {
    expect(() =>
      loadConfig({
        ...base,
        PRAISONAI_SVC_CALLBACK_HOSTS: "hooks.example.com",
        PRAISONAI_SVC_CALLBACK_SECRET: SECRET,
        PRAISONAI_SVC_CALLBACK_URL: "https://other.example.com/h",
      }),
    ).toThrow(/PRAISONAI_SVC_CALLBACK_URL is not valid: host other.example.com is not on/);
    expect(() =>
      loadConfig({
        ...base,
        PRAISONAI_SVC_CALLBACK_HOSTS: "hooks.example.com/path",
        PRAISONAI_SVC_CALLBACK_SECRET: SECRET,
      }),
    ).toThrow(/PRAISONAI_SVC_CALLBACK_HOSTS entry "hooks.example.com\/path" is not valid/);
  });

  it("lets a bare host through on its scheme's default port only, and host:port on that port only", () => {
    const hosts = parseCallbackHosts("hooks.example.com,api.example.com:443,127.0.0.1:9000", "H");
    const allowed = (url: string) => "url" in checkCallbackUrl(url, hosts);
    expect(allowed("https://hooks.example.com/a")).toBe(true);
    expect(allowed("http://hooks.example.com/a")).toBe(true);
    expect(allowed("https://hooks.example.com:8443/a")).toBe(false);
    expect(allowed("https://api.example.com/a")).toBe(true); // 443 is https's default
    expect(allowed("http://api.example.com/a")).toBe(false); // port 80
    expect(allowed("http://127.0.0.1:9000/a")).toBe(true);
    expect(allowed("http://127.0.0.1:9001/a")).toBe(false);
    expect(allowed("http://127.0.0.1/a")).toBe(false);
    expect(allowed("https://hooks.example.com.evil.test/a")).toBe(false);
  });

  it("accepts bare hosts, host:port and IPv6 entries", () => {
    const config = loadConfig({
      ...base,
      PRAISONAI_SVC_CALLBACK_HOSTS: "Hooks.Example.com, 127.0.0.1:9000,[::1]:8443",
      PRAISONAI_SVC_CALLBACK_SECRET: SECRET,
      PRAISONAI_SVC_CALLBACK_URL: "https://hooks.example.com/h",
    });
    expect(config.callbackHosts).toEqual(["hooks.example.com", "127.0.0.1:9000", "[::1]:8443"]);
    expect(JSON.stringify(config)).not.toContain(SECRET.slice(6));
  });
});

/** A server that accepts callbacks and never answers them (the worker is then inside its POST). */
async function holdingServer(port: number) {
  let requests = 0;
  const server = createServer(() => {
    requests++;
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  onTestFinished(() => (server.listening ? close() : undefined));
  return { requests: () => requests, close };
}
