// Settings are read once, defaulted in one place, and a bad value names its variable.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { SETTINGS } from "../src/config/settings.js";
import { ConfigError } from "../src/errors.js";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      maxPayloadBytes: 1_048_576,
      visibilityTimeoutMs: 60_000,
      jobTimeoutMs: 600_000,
      maxDequeue: 3,
      pollMinMs: 1000,
      pollMaxMs: 30_000,
      concurrency: 1,
      table: "jobs",
      queue: "praison-jobs",
      poisonQueue: "praison-jobs-poison",
      container: "praison-output",
    });
    expect(c.connections).toEqual({ table: undefined, queue: undefined, blob: undefined });
  });

  it("lets the per-service connection strings override the account-wide one", () => {
    const c = loadConfig({ AZURE_STORAGE_CONNECTION_STRING: "main", AZURE_QUEUE_CONN_STRING: "queue-only" });
    expect(c.connections).toEqual({ table: "main", queue: "queue-only", blob: "main" });
  });

  it.each([
    ["PRAISONAI_SVC_VISIBILITY_TIMEOUT", "1.5"],
    ["PRAISONAI_SVC_JOB_TIMEOUT", "ten"],
    ["PRAISONAI_SVC_MAX_DEQUEUE", "0"],
    ["PRAISONAI_SVC_CONCURRENCY", "-1"],
    ["PRAISONAI_SVC_MAX_PAYLOAD_BYTES", "1MB"],
    ["PORT", "70000"],
    ["PRAISONAI_SVC_QUEUE", "Bad_Name"],
    ["PRAISONAI_SVC_TABLE", "1jobs"],
    ["PRAISONAI_SVC_LOG_LEVEL", "loud"],
  ])("refuses %s=%s with an error naming the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}=`));
  });

  it("refuses a poll minimum above the maximum", () => {
    expect(() => loadConfig({ PRAISONAI_SVC_POLL_MIN: "10", PRAISONAI_SVC_POLL_MAX: "5" })).toThrow(
      /POLL_MIN.*POLL_MAX/,
    );
  });

  it("documents every setting with a default that parses", () => {
    for (const s of Object.values(SETTINGS)) {
      expect(s.doc.length).toBeGreaterThan(10);
      expect(() => (s.parse as (raw: string, name: string) => unknown)(s.default, s.env)).not.toThrow();
    }
  });
});
