// U+2028 and U+2029 (line and paragraph separators) are valid text: Azurite refuses them inside a batch
// transaction, which the job-creating write is. They must round-trip into the handler, and a refusal that
// would repeat on every retry must never be answered as a retryable 503.
import { describe, expect, it } from "vitest";
import { ServiceApp } from "../src/app/service-app.js";
import { settle, testService } from "./support/api.js";

describe("line and paragraph separators in a payload", () => {
  it("stores the payload and hands the exact text to the handler", async () => {
    const seen: unknown[] = [];
    const app = new ServiceApp("Separators").job((payload) => {
      seen.push(payload);
      return [JSON.stringify(payload), "application/json", "p.json"];
    });
    const svc = await testService(app);
    svc.startWorker();
    const text = "line\u2028next\u2029paragraph";
    const res = await svc.api.inject({ method: "POST", url: "/jobs", payload: { text, "k\u2028": 1 } });
    expect(res.statusCode, res.body).toBe(202);
    const done = await settle(svc.api, res.json().job_id);
    expect(done.status).toBe("done");
    expect(seen).toEqual([{ text, "k\u2028": 1 }]);
  });
});
