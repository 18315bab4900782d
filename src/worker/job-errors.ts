// Why a running job was stopped by the worker rather than by its handler.
import { PraisonError } from "../errors.js";

/** The handler ran past PRAISONAI_SVC_JOB_TIMEOUT. Its message is the job's error_msg. */
export class JobTimeoutError extends PraisonError {
  constructor(ms: number) {
    super("JOB_TIMEOUT", `Job exceeded ${describeDuration(ms)} timeout`);
  }
}

/** The worker is shutting down and its grace period is over: the job goes back to the queue. */
export class ShutdownError extends PraisonError {
  constructor() {
    super("WORKER_SHUTDOWN", "the worker is shutting down");
  }
}

/** "10 minute" for 600 000 ms (the spec's wording), "1.5 second" otherwise. */
export function describeDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute`;
  return `${Number((ms / 1000).toFixed(3))} second`;
}

/** The job was cancelled (DELETE /jobs/{id}) while it ran: the handler's signal fires with this reason. */
export class JobCancelledError extends PraisonError {
  constructor() {
    super("JOB_CANCELLED", "the job was cancelled");
  }
}
