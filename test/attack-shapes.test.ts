// The worst YAML and JSON shapes at the body limit, eight at once, against the API as a process: each
// refused quickly, the process's memory barely moving, and /health (the liveness probe) answering
// throughout. Results go to docs/security.md.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, startApiProcess } from "./support/cli.js";
import { isolatedEnv } from "./support/storage.js";

const LIMIT = 1_048_576;
const CONCURRENT = 8;
/** Volleys per shape; the median of their slowest answers is compared, as single timings on a shared machine jitter. */
const ROUNDS = 3;

/** Repeats `unit` after `head` until the text fills the body limit. */
const fill = (head: string, unit: string, tail = ""): string =>
  head + unit.repeat(Math.floor((LIMIT - head.length - tail.length) / unit.length)) + tail;

/** Lines `line(0)`, `line(1)`, … up to the body limit. */
const lines = (line: (i: number) => string): string => {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length + line(i).length + 1 <= LIMIT; i++) {
    out.push(line(i));
    length += line(i).length + 1;
  }
  return out.join("\n");
};

const YAML_SHAPES: Record<string, string> = {
  "deep flow sequences (a: [[[[…)": fill("a: ", "["),
  "deep flow maps (a: {a: {a: …)": fill("a: ", "{a: "),
  "compact block sequences (- - - …)": fill("a:\n  ", "- ", "x"),
  "block maps nested by indentation": lines((i) => `${" ".repeat(i)}k:`),
  "1 MB of aliases": fill("a: &a [x]\nb: [", "*a, ", "]"),
  "95,000 distinct keys": lines((i) => `k${String(i).padStart(7, "0")}: 1`),
  "a flat sequence of 500,000 items": fill("a: [", "1,", "1]"),
  "1 MB of blank lines": fill("a: 1\n", "\n"),
  "1 MB of comments": fill("a: 1\n", "#\n"),
  "250,000 documents": fill("", "---\n"),
};
// Not here: 1 MB of valid-looking items before a syntax error. JSON.parse of 1 MB is the same work as
// for a valid body at the limit (docs/security.md quotes it); no pre-scan can tell them apart.
const JSON_SHAPES: Record<string, string> = {
  "deep arrays ([[[[…)": fill("", "["),
  'deep objects ({"a":{"a":…)': fill("", '{"a":'),
};

const rows: { shape: string; type: string; slowestMs: number; uploadMs: number }[] = [];
afterAll(() => {
  const lines = rows.map((r) => `| ${r.type} | ${r.shape} | ${r.slowestMs} | ${r.uploadMs} |`);
  console.info(
    [
      "| type | shape | slowest of 8, median of 3 volleys (ms) | paired baseline (ms) |",
      "|---|---|---|---|",
      ...lines,
    ].join("\n"),
  );
});

const rssMb = (pid: number): number => {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
};

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

/** Sends `body` `CONCURRENT` times at once; the statuses and the slowest answer's time. */
async function volley(
  url: string,
  type: string,
  body: Uint8Array<ArrayBuffer>,
): Promise<{ statuses: number[]; slowestMs: number }> {
  const answers = await Promise.all(
    Array.from({ length: CONCURRENT }, async () => {
      const started = performance.now();
      const res = await fetch(`${url}/jobs`, { method: "POST", headers: { "content-type": type }, body });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    }),
  );
  return {
    statuses: answers.map((a) => a.status),
    slowestMs: Math.round(Math.max(...answers.map((a) => a.ms))),
  };
}

/**
 * Probes /health one request after another while `during` runs, checking each answers 200; each
 * latency is filed under the phase `during` is in when the probe is sent.
 */
async function probeHealth(
  url: string,
  during: (phase: (name: "baseline" | "attack") => void) => Promise<void>,
  sample: () => void,
): Promise<Record<"baseline" | "attack", number[]>> {
  const latencies = { baseline: [] as number[], attack: [] as number[] };
  let current: "baseline" | "attack" = "baseline";
  let running = true;
  const probe = (async () => {
    while (running) {
      const phase = current;
      const started = performance.now();
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      latencies[phase].push(performance.now() - started);
      expect(res.status).toBe(200);
      sample();
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  try {
    await during((name) => {
      current = name;
    });
  } finally {
    running = false;
    await probe;
  }
  return latencies;
}

describe("the worst body shapes at the size limit", () => {
  // The machine running the suite is shared, so times are compared with a baseline taken in the same run:
  // the same eight 1 MB uploads refused after 65 bytes of scanning (the transport), and /health during them.
  it(`refuses each, ${CONCURRENT} at once, within 250 ms of the upload, with RSS growth under 150 MB and /health p99 within 100 ms of the upload's`, {
    timeout: 180_000,
  }, async () => {
    const { proc, url } = await startApiProcess(path.join(ROOT, "test/fixtures/cli/plain.js"), isolatedEnv());
    const shapes = [
      ...Object.entries(YAML_SHAPES).map(([shape, text]) => ({ shape, text, type: "application/yaml" })),
      ...Object.entries(JSON_SHAPES).map(([shape, text]) => ({ shape, text, type: "application/json" })),
    ];
    for (const { text } of shapes) expect(text.length).toBeGreaterThan(LIMIT * 0.99);
    for (const { text } of shapes) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(LIMIT);
    // Warm the paths an attack takes (body reading, scans, problem answers), as on a serving replica.
    const transport = new TextEncoder().encode(fill("", "["));
    for (let i = 0; i < 2; i++) await volley(url, "application/yaml", transport);

    // Each attack volley is paired with a baseline volley, so both phases see the same machine.
    const uploads: number[] = [];
    const rssBefore = rssMb(proc.pid);
    let rssPeak = rssBefore;
    const health = await probeHealth(
      url,
      async (phase) => {
        for (const { shape, text, type } of shapes) {
          const body = new TextEncoder().encode(text); // encoded once, so the client's own work stays out of the timing
          const slowest: number[] = [];
          const paired: number[] = [];
          for (let i = 0; i < ROUNDS; i++) {
            phase("baseline");
            paired.push((await volley(url, "application/json", transport)).slowestMs);
            phase("attack");
            const { statuses, slowestMs } = await volley(url, type, body);
            slowest.push(slowestMs);
            expect({ shape, statuses }).toEqual({ shape, statuses: Array(CONCURRENT).fill(400) });
          }
          uploads.push(...paired);
          rows.push({ shape, type, slowestMs: percentile(slowest, 50), uploadMs: percentile(paired, 50) });
        }
      },
      () => {
        rssPeak = Math.max(rssPeak, rssMb(proc.pid));
      },
    );
    const uploadMs = percentile(uploads, 50);
    const idleP99 = percentile(health.baseline, 99);
    const [p50, p99] = [percentile(health.attack, 50), percentile(health.attack, 99)];
    console.info(
      `upload baseline (slowest of ${CONCURRENT}, median of ${uploads.length}): ${uploadMs} ms; /health p99 during it ${idleP99.toFixed(1)} ms; ` +
        `under attack ${health.attack.length} probes, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ` +
        `RSS ${rssBefore.toFixed(0)} MB → peak ${rssPeak.toFixed(0)} MB; load ${loadavg()[0]?.toFixed(1)}`,
    );
    expect(rows.filter((r) => r.slowestMs >= r.uploadMs + 250)).toEqual([]);
    expect(health.attack.length).toBeGreaterThan(10);
    expect(p99).toBeLessThan(idleP99 + 100);
    expect(rssPeak - rssBefore).toBeLessThan(150);
  });
});
