// One delivery of one job: claim it, run the handler under a lease, store the file, commit once.
import type { JobLogger } from "../app/handler.js";
import type { ServiceConfig } from "../config/config.js";
import { isNonRetriable, LeaseLostError } from "../errors.js";
import { decodeMessage } from "../jobs/message.js";
import { loadPayload } from "../jobs/payload-store.js";
import type { HandlerRunner } from "../runner/types.js";
import type { JobPatch, JobRecord, QueueMessage, Storage } from "../storage/types.js";
import { sanitizeFilename } from "../util/content-disposition.js";
import { truncateUtf8, withRetries } from "../util/time.js";
import { fencedUpdate, STORAGE_RETRY_DELAYS_MS } from "./fenced-update.js";
import { JobTimeoutError, ShutdownError } from "./job-errors.js";
import { MessageLease } from "./lease.js";

/** ErrorMsg is capped (spec §11.6): a table property holds 64 KiB at most. */
export const ERROR_MSG_MAX_BYTES = 10_000;

export type Outcome =
  | "done" // committed
  | "retrying" // failed, will be delivered again
  | "failed" // terminal error committed
  | "skipped" // nothing to do: a finished job, an unknown job, or a claim lost to another worker
  | "deferred" // a duplicate message while another delivery runs the job
  | "lost" // the lease or the claim was lost: another delivery owns the job now
  | "released"; // shutdown: handed back to another worker

export interface ExecutionDeps {
  storage: Storage;
  config: ServiceConfig;
  runner: HandlerRunner;
  log: JobLogger & { child(bindings: object): JobLogger };
  /** Aborts when the worker must give its jobs back (shutdown grace period over). */
  shutdown: AbortSignal;
}

export async function executeMessage(deps: ExecutionDeps, msg: QueueMessage): Promise<Outcome> {
  const { storage, config } = deps;
  const jobId = decodeMessage(msg.body);
  if (!jobId) {
    deps.log.warn({ messageId: msg.messageId }, "message names no job; moved to the poison queue");
    await storage.poison.send(msg.body);
    await storage.queue.delete(msg);
    return "skipped";
  }
  const log = deps.log.child({ jobId, messageId: msg.messageId, dequeueCount: msg.dequeueCount });
  const job = await storage.jobs.get(jobId);
  if (!job || job.status === "done" || job.status === "error") {
    // Unknown (taken back by the API) or finished: a duplicate delivery is a no-op.
    await storage.queue.delete(msg);
    return "skipped";
  }

  const deliveries = msg.dequeueCount - job.releases;
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

  if (deliveries > config.maxDequeue) {
    const last = job.errorMsg ?? "the worker stopped without reporting (crash, kill or restart)";
    await failJob(
      deps,
      log,
      job,
      msg,
      `Job failed on all ${config.maxDequeue} deliveries; last error: ${last}`,
      {
        retryCount: config.maxDequeue,
        poison: true,
      },
    );
    return "failed";
  }

  const claimed = await claim(deps, job, msg, deliveries);
  if (!claimed) return "skipped";
  return runClaimed(deps, log, claimed, msg, deliveries);
}

/** Conditional claim; undefined when another delivery changed the job first. */
function claim(deps: ExecutionDeps, job: JobRecord, msg: QueueMessage, deliveries: number) {
  return fencedUpdate(deps.storage.jobs, job, {
    status: "processing",
    startedUtc: new Date(),
    attempt: job.attempt + 1,
    messageId: msg.messageId,
    retryCount: Math.max(job.retryCount, deliveries - 1),
  });
}

async function runClaimed(
  deps: ExecutionDeps,
  log: JobLogger,
  job: JobRecord,
  msg: QueueMessage,
  deliveries: number,
): Promise<Outcome> {
  const { storage, config, runner } = deps;
  const lease = new MessageLease(storage.queue, msg, config.visibilityTimeoutMs, log).start();
  const controller = new AbortController();
  const timeout = setTimeout(
    () => controller.abort(new JobTimeoutError(config.jobTimeoutMs)),
    config.jobTimeoutMs,
  );
  const onLost = () => controller.abort(lease.lost.reason);
  const onShutdown = () => controller.abort(new ShutdownError());
  lease.lost.addEventListener("abort", onLost, { once: true });
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
    });
    clearTimeout(timeout);
    return await commit(deps, log, job, lease, file, performance.now() - started);
  } catch (error) {
    clearTimeout(timeout);
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
    if (reason instanceof LeaseLostError) {
      log.warn({}, "lost the lease while running; another delivery owns the job now");
      await lease.stop();
      return "lost";
    }
    if (reason instanceof ShutdownError) return release(deps, log, job, lease);
    const message = errorText(reason);
    if (reason instanceof JobTimeoutError || isNonRetriable(reason) || deliveries >= config.maxDequeue) {
      await failJob(deps, log, job, lease, message, {
        retryCount: deliveries,
        poison: !isNonRetriable(reason),
      });
      return "failed";
    }
    return retryLater(deps, log, job, lease, message, deliveries);
  } finally {
    lease.lost.removeEventListener("abort", onLost);
    deps.shutdown.removeEventListener("abort", onShutdown);
    await lease.stop();
  }
}

async function commit(
  deps: ExecutionDeps,
  log: JobLogger,
  job: JobRecord,
  lease: MessageLease,
  file: { data: Buffer; contentType: string; filename: string },
  ms: number,
): Promise<Outcome> {
  const { storage } = deps;
  const filename = sanitizeFilename(file.filename);
  // The attempt in the name keeps a fenced-off delivery from overwriting the committed file.
  const blobName = `${job.id}/${job.attempt}/${filename}`;
  await withRetries(
    () => storage.blobs.put(blobName, file.data, { contentType: file.contentType, filename }),
    STORAGE_RETRY_DELAYS_MS,
  );
  const patch: JobPatch = {
    status: "done",
    blobName,
    filename,
    contentType: file.contentType,
    size: file.data.byteLength,
    errorMsg: null,
  };
  if (!(await fencedUpdate(storage.jobs, job, patch))) {
    // A newer delivery claimed the job: this result is discarded, never committed over it.
    log.warn({ attempt: job.attempt }, "late result discarded: the job was claimed by a newer delivery");
    await storage.blobs.delete(blobName).catch(() => {});
    return "lost";
  }
  // Committed: from here on the job is done whatever happens to its message.
  log.info(
    { attempt: job.attempt, ms: Math.round(ms), size: file.data.byteLength, outcome: "done" },
    "job done",
  );
  await finishMessage(log, lease);
  return "done";
}

/** Deletes the message of a finished job; if that fails, its next delivery finds the job finished and deletes it. */
async function finishMessage(log: JobLogger, holder: MessageLease | (() => Promise<void>)): Promise<void> {
  try {
    await (holder instanceof MessageLease ? holder.complete() : holder());
  } catch (error) {
    log.warn({ err: error }, "could not delete the message of a finished job; its next delivery will");
  }
}

async function failJob(
  deps: ExecutionDeps,
  log: JobLogger,
  job: JobRecord,
  holder: MessageLease | QueueMessage,
  message: string,
  { retryCount, poison }: { retryCount: number; poison: boolean },
): Promise<void> {
  const { storage } = deps;
  const errorMsg = truncateUtf8(message, ERROR_MSG_MAX_BYTES);
  if (!(await fencedUpdate(storage.jobs, job, { status: "error", errorMsg, retryCount }))) {
    log.warn({}, "job changed before its failure was recorded; leaving it to the newer delivery");
    return;
  }
  log.error({ retryCount, poison, error: errorMsg, outcome: "failed" }, "job failed");
  if (poison) {
    const record = JSON.stringify({
      job_id: job.id,
      error_msg: errorMsg,
      retry_count: retryCount,
      failed_utc: new Date().toISOString(),
    });
    // The row already says error; the record is for review. Without it the job is still failed, never lost.
    await withRetries(() => storage.poison.send(record), STORAGE_RETRY_DELAYS_MS).catch((error: unknown) =>
      log.error({ err: error }, "could not write the poison record; the job is failed all the same"),
    );
  }
  await finishMessage(log, holder instanceof MessageLease ? holder : () => storage.queue.delete(holder));
}

async function retryLater(
  deps: ExecutionDeps,
  log: JobLogger,
  job: JobRecord,
  lease: MessageLease,
  message: string,
  deliveries: number,
): Promise<Outcome> {
  const errorMsg = truncateUtf8(message, ERROR_MSG_MAX_BYTES);
  const patch: JobPatch = { status: "queued", errorMsg, retryCount: deliveries, messageId: null };
  if (!(await fencedUpdate(deps.storage.jobs, job, patch))) return "lost";
  const delay = deps.config.retryBackoffMs * 2 ** (deliveries - 1);
  await lease.release(delay);
  log.warn(
    { retryCount: deliveries, retryInMs: delay, error: errorMsg, outcome: "retrying" },
    "job failed; will retry",
  );
  return "retrying";
}

async function release(
  deps: ExecutionDeps,
  log: JobLogger,
  job: JobRecord,
  lease: MessageLease,
): Promise<Outcome> {
  // One try (no 1-3-9 s retries): the grace period is over. If it fails the message reappears anyway.
  const patch: JobPatch = { status: "queued", releases: job.releases + 1, messageId: null };
  if (!(await fencedUpdate(deps.storage.jobs, job, patch, { retryDelaysMs: [] }))) return "lost";
  await lease.release(0);
  log.warn({ outcome: "released" }, "shutting down: job handed back to the queue");
  return "released";
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : "the handler failed with a non-Error value";
}
