// The Azure Monitor path: the same processes, exporting to a stand-in for Application Insights' ingestion
// endpoint. Checks what the alert rules rely on: metric names unchanged, requests and dependencies of one
// job under one operation id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRICS } from "../src/telemetry/names.js";
import { type BreezeReceiver, startBreezeReceiver } from "./support/breeze-receiver.js";
import { startServicePair, waitForJob } from "./support/cli.js";
import { RECORDING_HANDLERS, waitUntil } from "./support/fault-cluster.js";
import { isolatedEnv } from "./support/storage.js";

describe("telemetry to Application Insights", () => {
  let breeze: BreezeReceiver;
  let url: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    breeze = await startBreezeReceiver();
    const env = isolatedEnv({
      APPLICATIONINSIGHTS_CONNECTION_STRING: breeze.connectionString,
      // No call to Microsoft's statsbeat endpoint from a test.
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED: "true",
      NODE_EXTRA_CA_CERTS: breeze.caFile,
      PRAISONAI_SVC_TRACE_SAMPLING: "1",
      PRAISONAI_SVC_METRICS_INTERVAL: "1",
      PRAISONAI_SVC_POLL_MIN: "0.05",
      PRAISONAI_SVC_POLL_MAX: "0.3",
      PRAISONAI_SVC_LOG_LEVEL: "info",
    });
    const pair = await startServicePair(RECORDING_HANDLERS, env);
    ({ url, stop } = pair);
    await pair.api.waitForOutput(/"event":"telemetry_on"/, 60_000);
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await breeze?.close();
  });

  it("sends one job as requests and dependencies under one operation, and the metrics by their names", async () => {
    const res = await fetch(`${url}/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "sleep", ms: 20, azure: Date.now() }),
    });
    expect(res.status).toBe(202);
    const { job_id: jobId } = (await res.json()) as { job_id: string };
    expect(await waitForJob(url, jobId, { timeoutMs: 60_000 })).toMatchObject({ status: "done" });

    const requests = () => breeze.envelopes().filter((e) => e.data.baseType === "RequestData");
    const consumer = await waitUntil(
      () => requests().find((e) => e.data.baseData.properties?.["praisonai_svc.job.id"] === jobId),
      60_000,
      "the worker's request envelope of the job",
    );
    const operation = consumer.tags?.["ai.operation.id"];
    const submit = requests().find((e) => e.data.baseData.name === "POST /jobs");
    expect(submit?.tags?.["ai.operation.id"]).toBe(operation);
    expect(consumer.sampleRate).toBe(100); // sampling at 1: every trace kept, and the rate said so
    const dependencies = breeze
      .envelopes()
      .filter((e) => e.data.baseType === "RemoteDependencyData" && e.tags?.["ai.operation.id"] === operation)
      .map((e) => e.data.baseData.name);
    expect(dependencies).toEqual(expect.arrayContaining(["storage jobs.create", "storage blobs.put"]));

    // The alert rules query AppMetrics by these names: they must arrive unchanged.
    const metricNames = () =>
      new Set(
        breeze
          .envelopes()
          .filter((e) => e.data.baseType === "MetricData")
          .flatMap((e) => (e.data.baseData.metrics as { name: string }[]).map((m) => m.name)),
      );
    await waitUntil(
      () =>
        (metricNames().has(METRICS.jobsSucceeded) && metricNames().has(METRICS.httpDuration)) || undefined,
      60_000,
      "the job and HTTP metrics",
    );
    for (const name of [METRICS.jobsProcessed, METRICS.jobDuration, METRICS.queueWait, METRICS.queueDepth]) {
      expect(metricNames(), name).toContain(name);
    }
    expect(breeze.raw()).not.toContain("AccountKey");
  }, 120_000);
});
