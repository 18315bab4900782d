// A handler may return its file as an object or as the spec's 3-tuple; anything else is a clear error.
import { describe, expect, it } from "vitest";
import { toJobFile } from "../src/app/handler.js";
import { ServiceApp } from "../src/app/service-app.js";
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
    [{ data: 5, contentType: "x", filename: "f" }, /data/],
    [{ data: "x", contentType: "", filename: "f" }, /contentType/],
    [["x", "text/plain"], /filename/],
  ])("explains what is wrong with %j", (value, message) => {
    expect(() => toJobFile(value)).toThrow(message);
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
