// Trace context across the queue: the API writes the submitting request's `traceparent` into the job row
// (never into the payload or the message), and the worker continues that trace when it runs the job.
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { ATTR, SCOPE } from "./names.js";

export const tracer = () => trace.getTracer(SCOPE);

/** The W3C `traceparent` of the active span, if a sampled-or-not trace is active; undefined without telemetry. */
export function currentTraceParent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

export interface JobSpanInput {
  traceParent?: string;
  jobId: string;
  queue: string;
  messageId: string;
  deliveries: number;
}

/**
 * Runs one delivery of a job inside a consumer span that continues the job's trace; every storage call it
 * makes becomes a child span. `fn` returns the delivery's outcome, recorded on the span.
 */
export async function inJobSpan<T extends string>(input: JobSpanInput, fn: () => Promise<T>): Promise<T> {
  const parent = input.traceParent
    ? propagation.extract(context.active(), { traceparent: input.traceParent })
    : context.active();
  return tracer().startActiveSpan(
    `process ${input.queue}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        "messaging.operation.type": "process",
        "messaging.destination.name": input.queue,
        "messaging.message.id": input.messageId,
        [ATTR.jobId]: input.jobId,
        [ATTR.deliveries]: input.deliveries,
      },
    },
    parent,
    async (span) => {
      try {
        const outcome = await fn();
        span.setAttribute(ATTR.outcome, outcome);
        if (outcome === "failed") span.setStatus({ code: SpanStatusCode.ERROR, message: "job failed" });
        return outcome;
      } catch (error) {
        failSpan(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Marks a span failed with the error's name and message (never a payload). */
export function failSpan(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
  if (error instanceof Error) span.recordException(error);
}
