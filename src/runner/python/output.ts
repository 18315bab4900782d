// The handler's stdout/stderr, cut into log lines of bounded length (a handler may print megabytes).

const MAX_LINE = 8 * 1024;

export interface LineSplitter {
  /** Feeds a chunk of the stream: every complete line goes to `onLine`, a line over 8 KiB in pieces. */
  push(chunk: Buffer): void;
  /** Ends the line in progress (output without a final newline), so it is logged now, not with later output. */
  flush(): void;
}

export function lineSplitter(onLine: (line: string) => void): LineSplitter {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk.toString("utf8");
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
      if (pending === "") return;
      const line = pending;
      pending = "";
      onLine(line);
    },
  };
}
