// The Python runner tried from outside: a handlers.py (test/fixtures/python/hostile.py) that forks, closes its
// output, writes raw bytes on the protocol channel, floods texts, returns junk, prints end markers, floods
// progress or exits while imported. Each time the service must keep serving and say what happened.
import { describe, expect, it } from "vitest";
import { lineSplitter } from "../src/runner/python/output.js";

describe("the line splitter", () => {
  it("is safe against re-entry: a line handler that feeds or flushes it sees each line once, in order", () => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => {
      lines.push(line);
      if (line === "trigger") {
        splitter.push(Buffer.from("nested\nmore"));
        splitter.flush();
      }
    });
    splitter.push(Buffer.from("a\ntrigger\nb\npart"));
    expect(lines).toEqual(["a", "trigger", "b", "partnested", "more"]);
    splitter.push(Buffer.from("c\n"));
    expect(lines.at(-1)).toBe("c");
  });
});
