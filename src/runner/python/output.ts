// The handler's stdout/stderr, cut into log lines of bounded length (a handler may print megabytes).
import { StringDecoder } from "node:string_decoder";

const MAX_LINE = 8 * 1024;

export interface LineSplitter {
  /** Feeds a chunk of the stream: every complete line goes to `onLine`, a line over 8 KiB in pieces. */
  push(chunk: Buffer): void;
  /** Ends the line in progress (output without a final newline), so it is logged now, not with later output. */
  flush(): void;
}

export function lineSplitter(onLine: (line: string) => void): LineSplitter {
  // A pipe's chunk may end inside a UTF-8 character: the decoder keeps its first bytes for the next chunk.
  const decoder = new StringDecoder("utf8");
  let pending = "";
  return {
    push(chunk) {
      pending += decoder.write(chunk);
      let start = 0;
      for (;;) {
        const end = pending.indexOf("\n", start);
        if (end === -1) {
          if (pending.length - start < MAX_LINE) break;
          onLine(pending.slice(start, start + MAX_LINE));
          start += MAX_LINE;
          continue;
        }
        for (let s = start; s < end; s += MAX_LINE) onLine(pending.slice(s, Math.min(end, s + MAX_LINE)));
        start = end + 1;
      }
      pending = pending.slice(start);
    },
    flush() {
      pending += decoder.end();
      if (pending === "") return;
      const line = pending;
      pending = "";
      onLine(line);
    },
  };
}
