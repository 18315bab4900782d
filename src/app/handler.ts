// The handler contract: what a service author's function receives and returns.
import type { ZodType } from "zod";
import { NonRetriableError } from "../errors.js";
import { sanitizeFilename } from "../util/content-disposition.js";
import { defaultFilename, isMediaType } from "../util/media-type.js";
import type { PayloadValidator } from "./validator.js";

/** A logger with pino's call shape; the worker passes one bound to the job. */
export interface JobLogger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/** What a handler gets beside the payload. */
export interface JobContext {
  jobId: string;
  /** 1 on the first delivery, 2 on the first retry, and so on. */
  attempt: number;
  /** Fires when the job times out, is cancelled, the worker shuts down, or the worker lost the job to another. */
  signal: AbortSignal;
  log: JobLogger;
  /**
   * Reports how far the job is, shown as `progress` by GET /jobs/{id} and its event stream. Cheap to call
   * often: the row is written at most once a second, and the last report always lands.
   * @example ctx.progress(0.5, "slide 5 of 10");
   */
  progress(fraction: number, message?: string): void;
}

/** The produced file as an object; once the worker has it, `data` is always a Buffer (`JobFile<Buffer>`). */
export interface JobFile<Data extends Uint8Array | string = Uint8Array | string> {
  data: Data;
  contentType: string;
  filename: string;
}

/** The produced file as the spec's 3-tuple: bytes, content type, filename. */
export type JobFileTuple = readonly [data: Uint8Array | string, contentType: string, filename: string];

export type JobResult = JobFile | JobFileTuple;

export type JobHandler<P> = (payload: P, ctx: JobContext) => JobResult | Promise<JobResult>;

export interface JobDefinition<P = unknown> {
  handler: JobHandler<P>;
  /** Validates (and may transform) the payload before it is queued; 422 on failure. */
  schema?: ZodType<P>;
  /** What the API validates and documents the payload with: the zod schema's, or a JSON Schema's. */
  validator?: PayloadValidator;
}

/**
 * Normalizes a handler's return value. A malformed result is the handler's bug, which a retry would only
 * repeat: it throws a NonRetriableError that says what was wrong. An empty filename, or one that nothing
 * of survives sanitizing, becomes `result` with the type's extension.
 */
export function toJobFile(result: unknown): JobFile<Buffer> {
  let file: { data?: unknown; contentType?: unknown; filename?: unknown };
  if (Array.isArray(result)) {
    const [data, contentType, filename] = result;
    file = { data, contentType, filename };
  } else if (result && typeof result === "object") {
    file = result as JobFile;
  } else {
    throw new NonRetriableError(
      "the handler must return { data, contentType, filename } or [data, contentType, filename]",
    );
  }
  const { data, contentType, filename } = file;
  if (!(data instanceof Uint8Array) && typeof data !== "string") {
    throw new NonRetriableError("the handler's result `data` must be a Uint8Array, a Buffer or a string");
  }
  if (typeof contentType !== "string" || !isMediaType(contentType)) {
    const shown = JSON.stringify(String(contentType)).slice(0, 100);
    throw new NonRetriableError(
      `the handler's result \`contentType\` must be a media type such as "application/pdf"; it was ${shown}`,
    );
  }
  if (filename !== undefined && typeof filename !== "string") {
    throw new NonRetriableError("the handler's result `filename` must be a string");
  }
  const bytes =
    typeof data === "string"
      ? Buffer.from(data, "utf8")
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    data: bytes,
    contentType,
    filename: sanitizeFilename(filename ?? "", defaultFilename(contentType)),
  };
}
