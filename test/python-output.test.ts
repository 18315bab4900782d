// The Python handler's stdout/stderr become log lines: whole characters, bounded lengths, nothing held back.
import { describe, expect, it } from "vitest";
import { lineSplitter } from "../src/runner/python/output.js";

function collect() {
  const lines: string[] = [];
  return { lines, splitter: lineSplitter((line) => lines.push(line)) };
}

describe("the handler output's line splitter", () => {
  it("keeps a character whose UTF-8 bytes arrive in two chunks", () => {
    const { lines, splitter } = collect();
    const bytes = Buffer.from("Präsentation fertig ✓\n", "utf8");
    const cut = bytes.indexOf(0xc3) + 1; // inside "ä"
    splitter.push(bytes.subarray(0, cut));
    splitter.push(bytes.subarray(cut));
    expect(lines).toEqual(["Präsentation fertig ✓"]);
  });

  it("cuts a line over 8 KiB into pieces and logs a last line without a newline on flush", () => {
    const { lines, splitter } = collect();
    splitter.push(Buffer.from(`${"x".repeat(8 * 1024 + 10)}\npartial`));
    expect(lines.map((l) => l.length)).toEqual([8 * 1024, 10]);
    splitter.flush();
    expect(lines.at(-1)).toBe("partial");
  });
});
