// One delivery of one job: claim it, run the handler under a lease, store the file, commit once.
import type { JobLogger } from "../app/handler.js";
import type { ServiceConfig } from "../config/config.js";
import { isNonRetriable, LeaseLostError } from "../errors.js";
import { decodeMessage } from "../jobs/message.js";
import { loadPayload } from "../jobs/payload-store.js";
import type { HandlerRunner } from "../runner/types.js";
import { isTerminal, type JobRecord, type QueueMessage, type Storage } from "../storage/types.js";
import { count, recordDelivery, recordQueueWait } from "../telemetry/instruments.js";
import { inJobSpan } from "../telemetry/trace.js";
import type { CallbackSender } from "./callbacks.js";
import { Delivery, type Outcome } from "./delivery.js";
import { fencedUpdate } from "./fenced-update.js";
import { JobCancelledError, JobTimeoutError, ShutdownError } from "./job-errors.js";
import { MessageLease } from "./lease.js";

export type { Outcome } from "./delivery.js";

export interface ExecutionDeps {
  storage: Storage;
  config: ServiceConfig;
  runner: HandlerRunner;
  log: JobLogger & { child(bindings: object): JobLogger };
  /** Aborts when the worker must give its jobs back (shutdown grace period over). */
  shutdown: AbortSignal;
  /** Sends finished jobs' callbacks; absent when callbacks are not configured. */
  callbacks?: CallbackSender;
}

export async function executeMessage(deps: ExecutionDeps, msg: QueueMessage): Promise<Outcome> {
  const { storage, config } = deps;
  const jobId = decodeMessage(msg.body);
  if (!jobId) {
    deps.log.warn({ messageId: msg.messageId }, "message names no job; moved to the poison queue");
    await storage.poison.send(msg.body);
    count("poisonAdded");
    await storage.queue.delete(msg);
    return "skipped";
  }
  const log = deps.log.child({ jobId, messageId: msg.messageId, dequeueCount: msg.dequeueCount });
  const job = await storage.jobs.get(jobId);
  if (!job || isTerminal(job.status)) {
    if (job?.callbackUrl && deps.callbacks) {
      // The message of a finished (or cancelled) job with a callback is back: the callback has not been delivered yet.
      deps.callbacks.send(job, msg, log);
      return "skipped";
    }
    // Unknown (taken back by the API), finished or cancelled: a duplicate delivery is a no-op, a cancelled job never runs.
    await storage.queue.delete(msg);
    return "skipped";
  }
  const deliveries = msg.dequeueCount - job.releases;
  const started = performance.now();
  // The rest continues the trace of the request that submitted the job.
  const outcome = await inJobSpan(
    { traceParent: job.traceParent, jobId, queue: config.queue, messageId: msg.messageId, deliveries },
    () => deliver(deps, log, msg, job, deliveries),
  );
  recordDelivery(outcome, performance.now() - started);
  return outcome;
}

/** A delivery of a job that is still to be done: deferred, failed for good, or claimed and run. */
async function deliver(
  deps: ExecutionDeps,
  log: ReturnType<ExecutionDeps["log"]["child"]>,
  msg: QueueMessage,
  job: JobRecord,
  deliveries: number,
): Promise<Outcome> {
  const { storage, config } = deps;
  if (job.status === "processing" && job.messageId && job.messageId !== msg.messageId) {
    const holderDead =
      job.startedUtc &&
      Date.now() - job.startedUtc.getTime() > config.jobTimeoutMs + 2 * config.visibilityTimeoutMs;
    if (!holderDead) {
      if (deliveries > config.maxDequeue) await storage.queue.delete(msg);
      else await storage.queue.extend(msg, config.visibilityTimeoutMs).catch(() => {});
      log.info({}, "duplicate message for a running job; deferred");
      return "deferred";
    }
  }

  const lease = new MessageLease(storage.queue, msg, config.visibilityTimeoutMs, log);
  if (deliveries > config.maxDequeue) {
    const last = job.errorMsg ?? "the worker stopped without reporting (crash, kill or restart)";
    const delivery = new Delivery(storage, config, log, job, lease, deliveries, deps.callbacks);
    return delivery.fail(`Job failed on all ${config.maxDequeue} deliveries; last error: ${last}`, {
      retryCount: config.maxDequeue,
      poison: true,
    });
  }

  const claimed = await claim(deps, job, msg, deliveries);
  if (!claimed) return "skipped";
  // Waiting since it was queued (or requeued after a failed delivery); a crashed holder's job was processing.
  if (job.status === "queued") recordQueueWait(Date.now() - job.updatedUtc.getTime());
  const delivery = new Delivery(storage, config, log, claimed, lease.start(), deliveries, deps.callbacks);
  return run(deps, log, delivery);
}

/** Conditional claim; undefined when another delivery changed the job first. */
function claim(deps: ExecutionDeps, job: JobRecord, msg: QueueMessage, deliveries: number) {
  return fencedUpdate(deps.storage.jobs, job, {
    status: "processing",
    startedUtc: new Date(),
    attempt: job.attempt + 1,
    messageId: msg.messageId,
    retryCount: Math.max(job.retryCount, deliveries - 1),
    progress: null, // each attempt reports its own progress
  });
}

/** Runs the handler under the lease, a timeout and the shutdown signal; its result decides how the delivery ends. */
async function run(deps: ExecutionDeps, log: JobLogger, delivery: Delivery): Promise<Outcome> {
  const { storage, config, runner } = deps;
  const { job, deliveries, lease } = delivery;
  const controller = new AbortController();
  const timeout = setTimeout(
    () => controller.abort(new JobTimeoutError(config.jobTimeoutMs)),
    config.jobTimeoutMs,
  );
  const onLost = () => controller.abort(lease.lost.reason);
  const onStopped = () => controller.abort(delivery.row.stopped.reason);
  const onShutdown = () => controller.abort(new ShutdownError());
  lease.lost.addEventListener("abort", onLost, { once: true });
  delivery.row.stopped.addEventListener("abort", onStopped, { once: true });
  delivery.row.watch(config.cancelCheckMs);
  deps.shutdown.addEventListener("abort", onShutdown, { once: true });
  if (deps.shutdown.aborted) onShutdown();

  try {
    const payload = await loadPayload(storage.blobs, job);
    log.info({ attempt: job.attempt }, "job started");
    const started = performance.now();
    const file = await runner.run(payload, {
      jobId: job.id,
      attempt: job.attempt,
      signal: controller.signal,
      log,
      progress: (fraction, message) => delivery.progress(fraction, message),
    });
    clearTimeout(timeout);
    return await delivery.commit(file, performance.now() - started);
  } catch (error) {
    clearTimeout(timeout);
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
    if (reason instanceof LeaseLostError) {
      log.warn({}, "lost the lease while running; another delivery owns the job now");
      await lease.stop();
      return "lost";
    }
    if (reason instanceof JobCancelledError) return delivery.cancelled();
    if (reason instanceof ShutdownError) return delivery.release();
    const message = errorText(reason);
    if (reason instanceof JobTimeoutError || isNonRetriable(reason) || deliveries >= config.maxDequeue) {
      return delivery.fail(message, { retryCount: deliveries, poison: !isNonRetriable(reason) });
    }
    return delivery.retry(message);
  } finally {
    lease.lost.removeEventListener("abort", onLost);
    delivery.row.stopped.removeEventListener("abort", onStopped);
    deps.shutdown.removeEventListener("abort", onShutdown);
    await lease.stop();
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : "the handler failed with a non-Error value";
}
