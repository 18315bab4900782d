// Telemetry end to end: the API and a worker as processes, exporting OTLP/HTTP to a receiver the test runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { ConfigError } from "../src/errors.js";
import { METRICS } from "../src/telemetry/names.js";
import { type CliProcess, startServicePair, waitForJob } from "./support/cli.js";
import { RECORDING_HANDLERS, waitUntil } from "./support/fault-cluster.js";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "./support/otlp-receiver.js";
import { isolatedEnv } from "./support/storage.js";

const SERVER = 2; // OTLP SpanKind
const CLIENT = 3;
const CONSUMER = 5;
const KEY = "telemetry-test-key-0123456789abcdef";

describe("telemetry over OTLP/HTTP", () => {
  let receiver: OtlpReceiver;
  let api: { proc: CliProcess; url: string };
  let worker: CliProcess;
  let queue: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const env = isolatedEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      PRAISONAI_SVC_TRACE_SAMPLING: "1",
      PRAISONAI_SVC_METRICS_INTERVAL: "1",
      PRAISONAI_SVC_DEPTH_INTERVAL: "1",
      PRAISONAI_SVC_POLL_MIN: "0.05",
      PRAISONAI_SVC_POLL_MAX: "0.3",
      PRAISONAI_SVC_MAX_DEQUEUE: "2",
      PRAISONAI_SVC_RETRY_BACKOFF: "0",
      PRAISONAI_SVC_API_KEYS: KEY,
      PRAISONAI_SVC_RATE_LIMIT: "2",
      PRAISONAI_SVC_LOG_LEVEL: "info",
    });
    queue = env.PRAISONAI_SVC_QUEUE as string;
    const pair = await startServicePair(RECORDING_HANDLERS, env);
    api = { proc: pair.api, url: pair.url };
    worker = pair.worker;
    stop = pair.stop;
    // The API loads the SDK once it listens (a cold start does not wait for it): trace from then on.
    await pair.api.waitForOutput(/"event":"telemetry_on"/, 60_000);
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await receiver?.close();
  });

  const headers = { "x-api-key": KEY, "content-type": "application/json" };
  const post = (body: unknown, h: Record<string, string> = headers) =>
    fetch(`${api.url}/jobs`, { method: "POST", headers: h, body: JSON.stringify(body) });

  it("exports one trace per job, from POST /jobs through the queue to the worker's commit", async () => {
    const marker = `secret-payload-${Date.now()}`;
    const res = await post({ mode: "sleep", ms: 50, marker });
    expect(res.status).toBe(202);
    const { job_id: jobId } = (await res.json()) as { job_id: string };
    expect(await waitForJob(api.url, jobId, { headers, timeoutMs: 60_000 })).toMatchObject({
      status: "done",
    });
    const download = await fetch(`${api.url}/jobs/${jobId}/download`, {
      headers: { ...headers, accept: "application/json" },
    });
    expect(download.status).toBe(200);

    const consumer = await waitUntil(
      () =>
        receiver.spans().find((s) => s.kind === CONSUMER && s.attributes["praisonai_svc.job.id"] === jobId),
      60_000,
      "the worker's span of the job",
    );
    const submit = receiver.spans().find((s) => s.spanId === consumer.parentSpanId) as ReceivedSpan;
    expect(submit).toMatchObject({
      name: "POST /jobs",
      kind: SERVER,
      traceId: consumer.traceId,
      attributes: { "http.route": "/jobs", "http.request.method": "POST", "http.response.status_code": 202 },
    });
    expect(submit.resource).toMatchObject({
      "service.name": "fault-injection fixture",
      "praisonai_svc.role": "api",
    });
    expect(consumer).toMatchObject({
      name: `process ${queue}`,
      attributes: { "praisonai_svc.job.outcome": "done", "messaging.destination.name": queue },
      resource: { "praisonai_svc.role": "worker" },
    });

    // Storage calls are client spans under the request (row and message) and under the job (file and commit).
    const children = (parent: ReceivedSpan) =>
      receiver
        .spans()
        .filter((s) => s.parentSpanId === parent.spanId && s.kind === CLIENT)
        .map((s) => s.name);
    await waitUntil(
      () => children(consumer).includes("storage queue.delete") || undefined,
      30_000,
      "the storage spans of the job",
    );
    expect(children(submit)).toEqual(expect.arrayContaining(["storage jobs.create", "storage queue.send"]));
    expect(children(consumer)).toEqual(
      expect.arrayContaining(["storage jobs.update", "storage blobs.put", "storage queue.delete"]),
    );
    // The whole trace is one trace: nothing of this job started a trace of its own.
    const jobTrace = receiver.spans().filter((s) => s.traceId === consumer.traceId);
    expect(jobTrace.filter((s) => !s.parentSpanId)).toEqual([submit]);
    // The payload never leaves in telemetry.
    expect(receiver.raw()).not.toContain(marker);
    expect(receiver.rejected()).toEqual([]);
  }, 120_000);

  it("exports the job, link, authentication, rate-limit and depth metrics", async () => {
    // A job that fails on both deliveries: one retry, then error and a poison record.
    const failing = await post({ mode: "throw", run: Date.now() });
    expect(failing.status).toBe(202);
    const { job_id: failedId } = (await failing.json()) as { job_id: string };
    expect(await waitForJob(api.url, failedId, { headers, timeoutMs: 60_000 })).toMatchObject({
      status: "error",
    });
    expect((await post({ x: 1 }, { "x-api-key": "wrong", "content-type": "application/json" })).status).toBe(
      401,
    );
    expect((await post({ mode: "sleep", third: true })).status).toBe(429); // the limit is 2 submissions a minute

    // Cumulative counters: the newest point holds the total so far.
    const total = (metric: string, where: Record<string, unknown> = {}) =>
      Math.max(
        0,
        ...receiver
          .points(metric)
          .filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v))
          .map((p) => p.value),
      );
    await waitUntil(
      () => (total(METRICS.poisonAdded) >= 1 && total(METRICS.rateLimited) >= 1) || undefined,
      60_000,
      "the poison and rate-limit counters",
    );
    expect(total(METRICS.jobsSucceeded)).toBe(1);
    expect(total(METRICS.jobsFailed)).toBe(1);
    expect(total(METRICS.jobsRetried)).toBe(1);
    expect(total(METRICS.jobsProcessed, { "praisonai_svc.job.outcome": "done" })).toBe(1);
    expect(total(METRICS.jobsProcessed)).toBeGreaterThanOrEqual(1);
    expect(total(METRICS.poisonAdded)).toBe(1);
    expect(total(METRICS.jobDuration, { "praisonai_svc.job.outcome": "done" })).toBe(1);
    expect(total(METRICS.queueWait)).toBeGreaterThanOrEqual(2);
    expect(total(METRICS.sasIssued)).toBeGreaterThanOrEqual(2); // the done job's status read and its download
    expect(total(METRICS.authFailures)).toBe(1);
    expect(total(METRICS.rateLimited)).toBe(1);
    expect(total(METRICS.httpDuration, { "http.route": "/jobs", "http.response.status_code": 202 })).toBe(2);
    // The poison queue holds the failed job's record; the job queue is empty again.
    await waitUntil(
      () => receiver.points(METRICS.poisonDepth).some((p) => p.value === 1) || undefined,
      30_000,
      "a poison depth of 1",
    );
    const depth = receiver.points(METRICS.queueDepth);
    expect(depth.at(-1)?.value).toBe(0);
    expect(depth.at(-1)?.resource["praisonai_svc.role"]).toBe("worker");
  }, 120_000);

  it("flushes on SIGTERM and both processes exit cleanly", async () => {
    api.proc.kill("SIGTERM");
    worker.kill("SIGTERM");
    expect(await api.proc.exited).toBe(0);
    expect(await worker.exited).toBe(0);
    expect(receiver.rejected()).toEqual([]);
  }, 60_000);
});

describe("telemetry settings", () => {
  it("names the variable of a bad OTLP endpoint and says what is expected", () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" is not valid: expected an http:\/\/ or https:\/\/ URL/,
    );
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://user:pw@collector" })).toThrow(
      ConfigError,
    );
  });

  it("refuses a malformed Application Insights connection string without repeating it", () => {
    const bad = "IngestionEndpoint=https://x.in.applicationinsights.azure.com/;Secretish=abc123";
    let message = "";
    try {
      loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: bad });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^APPLICATIONINSIGHTS_CONNECTION_STRING is not valid: expected/);
    expect(message).not.toContain("abc123");
  });

  it("takes a sampling share from 0 to 1 and defaults to the spec's 10 %", () => {
    expect(loadConfig({}).traceSampling).toBe(0.1);
    expect(loadConfig({ PRAISONAI_SVC_TRACE_SAMPLING: "0.25" }).traceSampling).toBe(0.25);
    expect(() => loadConfig({ PRAISONAI_SVC_TRACE_SAMPLING: "10%" })).toThrow(/PRAISONAI_SVC_TRACE_SAMPLING/);
  });
});
