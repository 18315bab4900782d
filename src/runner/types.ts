// The seam between the worker and the author's handler: TypeScript/JavaScript in-process today, Python later.
import type { JobContext, JobFile } from "../app/handler.js";

export interface HandlerRunner {
  /** Runs the handler once; rejects with the handler's error, or when `ctx.signal` aborts. */
  run(payload: unknown, ctx: JobContext): Promise<JobFile<Buffer>>;
  /** Releases whatever the runner holds (processes, threads). */
  close(): Promise<void>;
}
