// A handler may return its file as an object or as the spec's 3-tuple; anything else is a clear error.
import { describe, expect, it } from "vitest";
import { toJobFile } from "../src/app/handler.js";
import { ServiceApp } from "../src/app/service-app.js";
import { NonRetriableError } from "../src/errors.js";
import { canonicalJson } from "../src/jobs/canonical.js";

describe("toJobFile", () => {
  it("accepts the object form and the 3-tuple form alike", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const a = toJobFile({ data: bytes, contentType: "application/x", filename: "a.bin" });
    const b = toJobFile([bytes, "application/x", "a.bin"]);
    expect(a).toEqual(b);
    expect([...a.data]).toEqual([1, 2, 3]);
  });

  it("encodes a string result as UTF-8", () => {
    expect(toJobFile(["ü", "text/plain", "u.txt"]).data).toEqual(Buffer.from("ü", "utf8"));
  });

  it.each([
    [undefined, /must return/],
    [{ data: 5, contentType: "x/y", filename: "f" }, /data/],
    [{ data: "x", contentType: "", filename: "f" }, /contentType/],
    [
      ["x", "text/plain\r\nSet-Cookie: a=1", "f.txt"],
      /media type such as "application\/pdf"; it was "text\/plain\\r\\nSet-Cookie/,
    ],
    [["x", "text/plain; charset=\u0000", "f.txt"], /contentType/],
    [["x", "pdf", "f.pdf"], /contentType/],
    [["x", "text/plain", 7], /filename/],
  ])("refuses %j at once with a NonRetriableError that says what is wrong", (value, message) => {
    expect(() => toJobFile(value)).toThrow(message);
    expect(() => toJobFile(value)).toThrow(NonRetriableError);
  });

  it("accepts media types with parameters", () => {
    expect(toJobFile(["x", 'text/plain; charset="utf-8"', "a.txt"]).contentType).toBe(
      'text/plain; charset="utf-8"',
    );
  });

  it.each([
    [["x", "text/plain"], "result.txt"],
    [["x", "application/pdf", ""], "result.pdf"],
    [["x", "application/x-unknown", "..."], "result"],
    [["x", "application/pdf", "\ud800"], "result.pdf"],
    [["x", "text/plain", "a\ud800b\udc00.txt"], "ab.txt"],
  ])("names the file of %j %s (lone surrogates and empty names are not retried)", (value, name) => {
    expect(toJobFile(value).filename).toBe(name);
  });
});

describe("ServiceApp", () => {
  it("takes exactly one handler and says so when a second is registered", () => {
    const app = new ServiceApp("One").job(() => ["", "text/plain", "x"]);
    expect(() => app.job(() => ["", "text/plain", "x"])).toThrow(/already has a job handler/);
  });

  it("says how to register a handler when none was", () => {
    expect(() => new ServiceApp("None").definition).toThrow(/app\.job\(handler\)/);
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth so equal payloads hash equally", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });
});
