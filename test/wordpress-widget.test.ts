// The widget's job follower on its own: how often it polls (faster while a job runs), how it backs off
// when the service is unreachable, that it gives up after the job's time limit, and how often progress is
// announced. (The browser tests cover the rest.)
import { describe, expect, it } from "vitest";
import type { Job } from "../wordpress/widget/src/api.js";
import { ApiError, NetworkError } from "../wordpress/widget/src/http.js";
import { percentOf, progressAnnouncer } from "../wordpress/widget/src/progress.js";
import {
  nth,
  POLL_DELAYS_MS,
  pollingSource,
  RUNNING_DELAY_MS,
  WatchTimeout,
} from "../wordpress/widget/src/status.js";

const job = (status: Job["status"]): Job => ({ job_id: "j", status });

/** A status API that answers from a script: a job status, or an error to throw. */
function scripted(answers: (Job["status"] | Error)[]) {
  const calls: number[] = [];
  return {
    calls,
    status: async () => {
      calls.push(Date.now());
      const next = answers.shift() ?? "processing";
      if (next instanceof Error) throw next;
      return job(next);
    },
  };
}

describe("the widget's polling", () => {
  it("polls sooner at first, then every 5 s", () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => nth(POLL_DELAYS_MS, n))).toEqual([
      1000, 1000, 2000, 3000, 5000, 5000, 5000,
    ]);
  });

  it("reports every status and resolves with the finished job", async () => {
    const api = scripted(["queued", "processing", "processing", "done"]);
    const seen: string[] = [];
    const done = await pollingSource(api, { timeoutMs: 5000, delaysMs: [10] }).watch("j", {
      onUpdate: (j) => seen.push(j.status),
      onRetry: () => {},
    });
    expect(done.status).toBe("done");
    expect(seen).toEqual(["queued", "processing", "processing", "done"]);
  });

  it("retries an unreachable service with growing waits, says so each time, then carries on", async () => {
    const api = scripted([
      new NetworkError("refused"),
      new ApiError(503, "down"),
      new NetworkError("refused"),
      "done",
    ]);
    const retries: number[] = [];
    const done = await pollingSource(api, {
      timeoutMs: 5000,
      delaysMs: [10],
      retryDelaysMs: [20, 40, 80],
    }).watch("j", {
      onUpdate: () => {},
      onRetry: (s, e) => retries.push(e instanceof ApiError ? -1 : s),
    });
    expect(done.status).toBe("done");
    expect(retries).toEqual([0, -1, 0]);
    const gaps = api.calls.slice(1).map((t, i) => t - (api.calls[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
  });

  it("waits at least as long as a 429's Retry-After", async () => {
    const api = scripted([new ApiError(429, "slow down", [], 1), "done"]);
    await pollingSource(api, { timeoutMs: 5000, delaysMs: [10], retryDelaysMs: [10] }).watch("j", {
      onUpdate: () => {},
      onRetry: () => {},
    });
    expect((api.calls[1] as number) - (api.calls[0] as number)).toBeGreaterThanOrEqual(990);
  });

  it("stops with WatchTimeout once the next wait would pass the job's time limit", async () => {
    const api = scripted([]);
    const watch = pollingSource(api, { timeoutMs: 100, delaysMs: [30] }).watch("j", {
      onUpdate: () => {},
      onRetry: () => {},
    });
    await expect(watch).rejects.toBeInstanceOf(WatchTimeout);
    expect(api.calls.length).toBeGreaterThanOrEqual(3);
    expect(api.calls.length).toBeLessThanOrEqual(5);
  });

  it("gives up at once on an error that retrying cannot fix", async () => {
    const api = scripted([new ApiError(404, "No job with this id")]);
    const watch = pollingSource(api, { timeoutMs: 5000, delaysMs: [10] }).watch("j", {
      onUpdate: () => {},
      onRetry: () => {},
    });
    await expect(watch).rejects.toMatchObject({ status: 404 });
    expect(api.calls).toHaveLength(1);
  });

  it("polls a running job every 2 s, not 5 s, so its progress bar moves; a queued job keeps the normal schedule", async () => {
    expect(RUNNING_DELAY_MS).toBe(2000);
    const api = scripted(["queued", "queued", "processing", "processing", "done"]);
    await pollingSource(api, { timeoutMs: 5000, delaysMs: [120], runningDelayMs: 30 }).watch("j", {
      onUpdate: () => {},
      onRetry: () => {},
    });
    const gaps = api.calls.slice(1).map((t, i) => t - (api.calls[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(115); // queued → queued: the normal wait
    expect(gaps[1]).toBeGreaterThanOrEqual(115);
    expect(gaps[2]).toBeLessThan(100); // processing: the shorter one
    expect(gaps[3]).toBeLessThan(100);
  });

  it("still waits a 429's Retry-After while a job runs", async () => {
    const api = scripted(["processing", new ApiError(429, "slow down", [], 1), "done"]);
    await pollingSource(api, {
      timeoutMs: 5000,
      delaysMs: [10],
      retryDelaysMs: [10],
      runningDelayMs: 10,
    }).watch("j", { onUpdate: () => {}, onRetry: () => {} });
    expect((api.calls[2] as number) - (api.calls[1] as number)).toBeGreaterThanOrEqual(990);
  });

  it("stops following when the watch is called off (the visitor pressed Stop)", async () => {
    const api = scripted([]);
    const stop = new AbortController();
    const watch = pollingSource(api, { timeoutMs: 5000, delaysMs: [20] }).watch(
      "j",
      { onUpdate: () => stop.abort(), onRetry: () => {} },
      stop.signal,
    );
    await expect(watch).rejects.toMatchObject({ name: "AbortError" });
    expect(api.calls).toHaveLength(1);
  });
});

describe("the widget's progress announcements", () => {
  it("says a percentage at most once per interval and never the same one twice", () => {
    let now = 0;
    const said = progressAnnouncer(10_000, () => now);
    expect(said.due(10)).toBe(true);
    now = 4000;
    expect(said.due(30)).toBe(false); // too soon
    now = 12_000;
    expect(said.due(10)).toBe(false); // nothing new to say
    expect(said.due(50)).toBe(true);
    now = 30_000;
    said.hold(); // a status change was just announced
    now = 35_000;
    expect(said.due(70)).toBe(false);
    now = 40_000;
    expect(said.due(70)).toBe(true);
  });

  it("rounds fractions to whole percentages within 0–100", () => {
    expect([0, 0.125, 0.5, 0.999, 1, 1.5, -1].map(percentOf)).toEqual([0, 13, 50, 100, 100, 100, 0]);
  });
});
