// The handler's stdout/stderr, cut into log lines of bounded length (a handler may print megabytes).

const MAX_LINE = 8 * 1024;

/** Calls `onLine` for every line of a stream; a line longer than 8 KiB is cut into pieces. */
export function lineSplitter(onLine: (line: string) => void): (chunk: Buffer) => void {
  let pending = "";
  return (chunk) => {
    pending += chunk.toString("utf8");
    let start = 0;
    for (;;) {
      const nl = pending.indexOf("\n", start);
      const end = nl === -1 ? -1 : nl;
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
  };
}
