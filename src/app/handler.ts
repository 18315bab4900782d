// The handler contract: what a service author's function receives and returns.
import type { ZodType } from "zod";
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
  /** Fires when the job times out, the worker shuts down, or the worker lost the job to another. */
  signal: AbortSignal;
  log: JobLogger;
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

/** Normalizes a handler's return value; throws a TypeError that says what was wrong. */
export function toJobFile(result: unknown): JobFile<Buffer> {
  let file: { data?: unknown; contentType?: unknown; filename?: unknown };
  if (Array.isArray(result)) {
    const [data, contentType, filename] = result;
    file = { data, contentType, filename };
  } else if (result && typeof result === "object") {
    file = result as JobFile;
  } else {
    throw new TypeError(
      "the handler must return { data, contentType, filename } or [data, contentType, filename]",
    );
  }
  const { data, contentType, filename } = file;
  if (!(data instanceof Uint8Array) && typeof data !== "string") {
    throw new TypeError("the handler's result `data` must be a Uint8Array, a Buffer or a string");
  }
  if (typeof contentType !== "string" || contentType === "") {
    throw new TypeError("the handler's result `contentType` must be a non-empty string");
  }
  if (typeof filename !== "string" || filename === "") {
    throw new TypeError("the handler's result `filename` must be a non-empty string");
  }
  const bytes =
    typeof data === "string"
      ? Buffer.from(data, "utf8")
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { data: bytes, contentType, filename };
}
