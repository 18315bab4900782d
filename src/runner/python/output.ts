// The handler's stdout/stderr, cut into log lines of bounded length (a handler may print megabytes).
import { StringDecoder } from "node:string_decoder";

const MAX_LINE = 8 * 1024;

export interface LineSplitter {
  /** Feeds a chunk of the stream: every complete line goes to `onLine`, a line over 8 KiB in pieces. */
  push(chunk: Buffer): void;
  /** Ends the line in progress (output without a final newline), so it is logged now, not with later output. */
  flush(): void;
}

/**
 * Safe against re-entry: `onLine` may push or flush the same splitter (a line that is the job's end marker
 * settles the job, which flushes). The nested call only adds its text or its wish to flush; the loop already
 * running takes both, after the lines before them, so each line is emitted once and in order.
 */
export function lineSplitter(onLine: (line: string) => void): LineSplitter {
  // A pipe's chunk may end inside a UTF-8 character: the decoder keeps its first bytes for the next chunk.
  const decoder = new StringDecoder("utf8");
  let pending = "";
  /** Where the text not yet emitted starts in `pending` (sliced off once the loop ends). */
  let start = 0;
  let emitting = false;
  let flushWanted = false;

  /** The next line (or piece of one) to emit, or undefined when none is complete. */
  const next = (): string | undefined => {
    const end = pending.indexOf("\n", start);
    if (end !== -1 && end - start <= MAX_LINE) {
      const line = pending.slice(start, end);
      start = end + 1;
      return line;
    }
    if (end !== -1 || pending.length - start >= MAX_LINE) {
      const piece = pending.slice(start, start + MAX_LINE);
      start += MAX_LINE;
      return piece;
    }
    if (!flushWanted) return undefined;
    flushWanted = false;
    const rest = pending.slice(start) + decoder.end();
    pending = "";
    start = 0;
    return rest;
  };

  const emit = () => {
    if (emitting) return;
    emitting = true;
    try {
      for (let line = next(); line !== undefined; line = next()) if (line !== "") onLine(line);
    } finally {
      pending = pending.slice(start);
      start = 0;
      emitting = false;
    }
  };

  return {
    push(chunk) {
      pending += decoder.write(chunk);
      emit();
    },
    flush() {
      flushWanted = true;
      emit();
    },
  };
}
