// The service's metric instruments, created on first use from the global meter. Without telemetry the
// global meter is OpenTelemetry's no-op one, so every record below costs a function call and nothing else.
import {
  type Attributes,
  type Counter,
  type Histogram,
  type MeterProvider,
  metrics,
} from "@opentelemetry/api";
import { ATTR, METRICS, SCOPE } from "./names.js";

interface Instruments {
  counters: Record<
    | "jobsProcessed"
    | "jobsSucceeded"
    | "jobsFailed"
    | "jobsRetried"
    | "poisonAdded"
    | "blobUploadFailures"
    | "sasIssued"
    | "authFailures"
    | "rateLimited",
    Counter
  >;
  jobDuration: Histogram;
  queueWait: Histogram;
  httpDuration: Histogram;
}

let instruments: Instruments | undefined;
let madeBy: MeterProvider | undefined;

/** Created on first use, and again once telemetry has started (the API serves requests before it has). */
function get(): Instruments {
  const provider = metrics.getMeterProvider();
  if (instruments && madeBy === provider) return instruments;
  madeBy = provider;
  const meter = provider.getMeter(SCOPE);
  const counter = (name: keyof Instruments["counters"], description: string) =>
    meter.createCounter(METRICS[name], { description });
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, { description, unit: "s" });
  instruments = {
    counters: {
      jobsProcessed: counter("jobsProcessed", "Deliveries that ran the handler and ended"),
      jobsSucceeded: counter("jobsSucceeded", "Jobs committed done"),
      jobsFailed: counter("jobsFailed", "Jobs that became error"),
      jobsRetried: counter("jobsRetried", "Failed deliveries put back for another try"),
      poisonAdded: counter("poisonAdded", "Records written to the poison queue"),
      blobUploadFailures: counter("blobUploadFailures", "Failed tries to store a result blob"),
      sasIssued: counter("sasIssued", "Download links signed"),
      authFailures: counter("authFailures", "Requests answered 401"),
      rateLimited: counter("rateLimited", "Requests answered 429"),
    },
    jobDuration: seconds(METRICS.jobDuration, "Handler run, upload and commit of one delivery"),
    queueWait: seconds(METRICS.queueWait, "Queued until claimed by a worker"),
    httpDuration: seconds(METRICS.httpDuration, "Duration of HTTP server requests"),
  };
  return instruments;
}

/** Counts one event. */
export function count(name: keyof Instruments["counters"], attributes?: Attributes): void {
  get().counters[name].add(1, attributes);
}

/** How a delivery that ran the handler ended; other outcomes (skipped, deferred, lost, released) count nothing. */
export function recordDelivery(outcome: string, ms: number): void {
  if (outcome !== "done" && outcome !== "failed" && outcome !== "retrying") return;
  const attributes = { [ATTR.outcome]: outcome };
  const { counters, jobDuration } = get();
  counters.jobsProcessed.add(1, attributes);
  if (outcome === "done") counters.jobsSucceeded.add(1);
  else if (outcome === "failed") counters.jobsFailed.add(1);
  else counters.jobsRetried.add(1);
  jobDuration.record(ms / 1000, attributes);
}

export function recordQueueWait(ms: number): void {
  get().queueWait.record(Math.max(0, ms) / 1000);
}

export function recordHttp(ms: number, attributes: Attributes): void {
  get().httpDuration.record(ms / 1000, attributes);
}
