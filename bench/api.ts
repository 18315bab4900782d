// 1. API: POST /jobs and GET /jobs/{id} through a real `praisonai-svc api` process, next to the SDK calls each
// route needs made directly (the ceiling), and the Python original's POST /jobs; concurrency 1 and 16.
import { createHash, randomUUID } from "node:crypto";
import type { Agent } from "node:http";
import type { TableEntity, TransactionAction } from "@azure/data-tables";
import { BlobSASPermissions } from "@azure/storage-blob";
import { dedupeKeys } from "../src/jobs/submit.js";
import { freePort } from "../src/local/azurite.js";
import { PARTITION } from "../src/storage/azure/job-entity.js";
import { jobRows } from "../src/storage/azure/job-index.js";
import type { Storage } from "../src/storage/types.js";
import { type PythonPeer, pythonEnv, startPythonApi } from "./python.js";
import {
  type Namespace,
  namespace,
  ourStorage,
  type RawClients,
  rawClients,
  serviceEnv,
  submit,
} from "./support/azure.js";
import { keepAliveAgent, postJson, request } from "./support/http.js";
import { type LoadResult, runLoad } from "./support/load.js";
import type { Sizes } from "./support/options.js";
import { type Proc, startService, waitForHealth } from "./support/procs.js";
import type { Results } from "./support/results.js";
import { median } from "./support/stats.js";

const CONCURRENCY = [1, 16] as const;
/** A window holds at least this many calls per loop (it stretches on a loaded machine; see runLoad). */
const MIN_CALLS_PER_LOOP = 8;

export interface ApiContext {
  conn: string;
  sizes: Sizes;
  python: PythonPeer;
  results: Results;
  log(msg: string): void;
}

/** One thing under load: an operation by index, and what to do after a POST measurement (empty its queue). */
interface Target {
  name: "api" | "raw" | "raw_noindex" | "python" | "api_rate_limited";
  op: "post" | "get";
  /** Concurrencies it is measured at; default both. */
  only?: number;
  call(i: number): Promise<void>;
  after?(): Promise<void>;
}

export async function measureApi(ctx: ApiContext): Promise<void> {
  const agent = keepAliveAgent(16);
  const procs: Proc[] = [];
  try {
    await measure(ctx, agent, procs);
  } finally {
    agent.destroy();
    await Promise.all(procs.map((p) => p.stop()));
  }
}

async function measure(ctx: ApiContext, agent: Agent, procs: Proc[]): Promise<void> {
  const { conn, sizes, results } = ctx;
  const runId = randomUUID();
  let seq = 0;
  const payload = () => ({ n: seq++, run: runId });

  // Ours: the real CLI process, its default settings (info logs, as deployed), on its own namespace. The GET
  // measurement reads through a second one whose table holds only the seeded jobs: Azurite reads a row more
  // slowly from a larger table, and the POST windows (three times as long in a full run) would otherwise grow
  // the table GET reads, so a quick and a full run would compare GET against different storage.
  const ours = namespace();
  const reads = namespace();
  const [port, readPort] = [await freePort(), await freePort()];
  const api = startService("api", serviceEnv(conn, ours), { port, quiet: true });
  const reader = startService("api", serviceEnv(conn, reads), {
    port: readPort,
    name: "praisonai-svc api (reads)",
    quiet: true,
  });
  procs.push(api, reader);
  const url = `http://127.0.0.1:${port}`;
  const readUrl = `http://127.0.0.1:${readPort}`;
  await Promise.all([waitForHealth(url, api), waitForHealth(readUrl, reader)]);
  const done = await seedDoneJobs(await ourStorage(conn, reads), sizes.seededJobs, runId);
  const oursRaw = await rawClients(conn, ours);

  // Raw: the same SDK calls from this process; POST on a namespace of its own, GET on the seeded rows.
  const rawPost = await rawClients(conn, namespace());
  const rawPostNoIndex = await rawClients(conn, namespace());
  const rawGet = await rawClients(conn, reads);

  const targets: Target[] = [
    {
      name: "api",
      op: "post",
      call: async () => expectStatus(await postJson(agent, `${url}/jobs`, payload()), 202),
      after: () => emptied(oursRaw),
    },
    {
      name: "raw",
      op: "post",
      call: () => rawSubmit(rawPost, payload(), { index: true }),
      after: () => emptied(rawPost),
    },
    // The same without the four history-index rows: what the index costs a submission (raw_post_index_cost_ratio).
    {
      name: "raw_noindex",
      op: "post",
      only: 16,
      call: () => rawSubmit(rawPostNoIndex, payload(), { index: false }),
      after: () => emptied(rawPostNoIndex),
    },
    {
      name: "api",
      op: "get",
      call: async (i) =>
        expectStatus(await request(agent, "GET", `${readUrl}/jobs/${done[i % done.length]}`), 200),
    },
    { name: "raw", op: "get", call: (i) => rawRead(rawGet, done[i % done.length] as string) },
  ];

  // The submission rate limit on (at a limit never reached): its shared Table Storage counter costs a row read
  // and a conditional write per POST. One client's concurrent POSTs contend for one counter row, so concurrency 1.
  const limitedNs = namespace();
  const limitedRaw = await rawClients(conn, limitedNs);
  const limitedPort = await freePort();
  const limited = startService("api", serviceEnv(conn, limitedNs, { PRAISONAI_SVC_RATE_LIMIT: "1000000" }), {
    port: limitedPort,
    name: "praisonai-svc api (rate limited)",
    quiet: true,
  });
  procs.push(limited);
  const limitedUrl = `http://127.0.0.1:${limitedPort}`;
  await waitForHealth(limitedUrl, limited);
  targets.push({
    name: "api_rate_limited",
    op: "post",
    only: 1,
    call: async () => expectStatus(await postJson(agent, `${limitedUrl}/jobs`, payload()), 202),
    after: () => emptied(limitedRaw),
  });

  if (ctx.python.ok) {
    const py: Namespace = namespace();
    const pyRaw = await rawClients(conn, py);
    const pyPort = await freePort();
    const pyApi = startPythonApi(ctx.python, pythonEnv(conn, py), pyPort);
    procs.push(pyApi);
    const pyUrl = `http://127.0.0.1:${pyPort}`;
    await waitForHealth(pyUrl, pyApi, 60_000);
    targets.push({
      name: "python",
      op: "post",
      // Its request model wraps the payload: {"payload": {...}}; it answers 200.
      call: async () => expectStatus(await postJson(agent, `${pyUrl}/jobs`, { payload: payload() }), 200),
      after: () => emptied(pyRaw),
    });
  }

  // Check the GET path really signs a download link before timing it.
  const sample = JSON.parse((await request(agent, "GET", `${readUrl}/jobs/${done[0]}`)).body) as Record<
    string,
    unknown
  >;
  if (typeof sample.download_url !== "string")
    throw new Error(`GET /jobs/{id} of a done job has no download_url`);

  // Our API processes reach their steady rate only after a few thousand requests (V8 optimizing Fastify, the
  // SDK and our code): a full run's 15 rounds caught more of that ramp than a quick run's 5 (api_post_ratio
  // per round 0.62, 0.65, 0.64, 0.85, 0.72, then 0.82-1.02), so both first warm the services up by count.
  for (const t of targets.filter((t) => t.name === "api")) {
    await runLoad({ concurrency: 16, total: sizes.serviceWarmupCalls, maxSeconds: 5 }, t.call);
    await t.after?.();
  }
  const samples = new Map<string, LoadResult[]>();
  // Then `warmupRounds` rounds run as the others and not kept: the baselines' JIT, connection pools and
  // Azurite's own warm-up land there, under the same interleaving as the measured rounds.
  for (let round = -sizes.warmupRounds; round < sizes.rounds; round++) {
    // Every other round in reverse order, so that neither side of a ratio always runs first (after the
    // other side's queue clean-up, or as the machine's load drifts within a round).
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    const kept = round >= 0;
    for (const concurrency of CONCURRENCY) {
      for (const t of order) {
        if (t.only !== undefined && t.only !== concurrency) continue;
        // One untimed call per loop first: sockets left idle during the other targets' turns may have been
        // closed by the server, and a reconnect (or an SDK retry after a reset) must not land in the window.
        await runLoad({ concurrency, total: concurrency }, t.call);
        const r = await runLoad(
          {
            concurrency,
            total: sizes.loadMax,
            maxSeconds: sizes.loadSeconds,
            minOps: MIN_CALLS_PER_LOOP * concurrency,
          },
          t.call,
        );
        await t.after?.();
        const key = `${t.name}_${t.op}_c${concurrency}`;
        if (kept) samples.set(key, [...(samples.get(key) ?? []), r]);
        ctx.log(
          `  ${kept ? "" : "(warm-up) "}${key.padEnd(26)} ${r.rps.toFixed(0).padStart(6)}/s  p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms` +
            (r.stalled > 0 ? `  (${r.stalled} call(s) stalled past the window; not counted)` : ""),
        );
      }
    }
  }

  for (const [key, rs] of samples) {
    const [, name, op, c] = /^(.+)_(post|get)_(c\d+)$/.exec(key) ?? [];
    results.set(`${name}_${op}_rps_${c}`, median(rs.map((r) => r.rps)));
    results.set(`${name}_${op}_p50_ms_${c}`, median(rs.map((r) => r.p50Ms)));
    results.set(`${name}_${op}_p99_ms_${c}`, median(rs.map((r) => r.p99Ms)));
  }
  // Each ratio is the median of one ratio per round (the service and its baseline measured back to back),
  // not a ratio of medians: a load swing then moves both sides of a pair instead of one side of the ratio.
  const paired = (name: string, op: "post" | "get", c: number) => {
    const ours = samples.get(`api_${op}_c${c}`) ?? [];
    const raw = samples.get(`raw_${op}_c${c}`) ?? [];
    const ratios = ours.map((r, i) => r.rps / (raw[i]?.rps ?? Number.NaN));
    results.set(name, median(ratios));
    ctx.log(`  ${name.padEnd(26)} per round: ${ratios.map((v) => v.toFixed(2)).join(", ")}`);
  };
  paired("api_post_ratio", "post", 16);
  paired("api_get_ratio", "get", 16);
  // At concurrency 1 the ratio is one of latencies: what the HTTP hop and the service add to each request.
  paired("api_post_ratio_c1", "post", 1);
  paired("api_get_ratio_c1", "get", 1);
  // What the history index costs a submission's storage calls (throughput with ÷ without its rows), paired likewise.
  const withIndex = samples.get("raw_post_c16") ?? [];
  const indexCost = (samples.get("raw_noindex_post_c16") ?? []).map(
    (r, i) => (withIndex[i]?.rps ?? Number.NaN) / r.rps,
  );
  results.set("raw_post_index_cost_ratio", median(indexCost));
  ctx.log(
    `  ${"raw_post_index_cost_ratio".padEnd(26)} per round: ${indexCost.map((v) => v.toFixed(2)).join(", ")}`,
  );
  if (ctx.python.ok) {
    results.ratio("python_original_post_ratio", "api_post_rps_c16", "python_post_rps_c16");
  } else {
    for (const name of PYTHON_API_METRICS) results.unavailable(name, ctx.python.reason);
  }
}

export const PYTHON_API_METRICS = [
  "python_post_rps_c1",
  "python_post_p50_ms_c1",
  "python_post_p99_ms_c1",
  "python_post_rps_c16",
  "python_post_p50_ms_c16",
  "python_post_p99_ms_c16",
  "python_original_post_ratio",
];

function expectStatus(res: { status: number; body: string }, status: number): void {
  if (res.status !== status)
    throw new Error(`expected HTTP ${status}, got ${res.status}: ${res.body.slice(0, 300)}`);
}

/**
 * Each POST window starts on an empty table and queue, as the first did: Azurite's writes slow down as a
 * table grows (at concurrency 16, 471 → 318 → 196 POSTs/s over three rounds of a full run whose table kept
 * every row), so without this a ratio depends on the run's length, and a quick and a full run disagree.
 */
async function emptied(raw: RawClients): Promise<void> {
  await raw.queue.clearMessages();
  await raw.table.deleteTable();
  await raw.table.createTable();
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * What POST /jobs stores: one transaction with the rows the design needs, then one message. The rows are
 * built by the store's own pure builder (`jobRows`: the job row and its four history-index rows), plus the
 * dedupe-key row; `index: false` leaves the index rows out, to price the index on its own.
 */
async function rawSubmit(raw: RawClients, payload: unknown, { index }: { index: boolean }): Promise<void> {
  const id = randomUUID();
  const json = JSON.stringify(payload);
  const hash = sha256(json);
  const now = new Date();
  const [key] = dedupeKeys("", hash);
  const [row, ...indexRows] = jobRows({
    id,
    status: "queued",
    createdUtc: now,
    updatedUtc: now,
    retryCount: 0,
    attempt: 0,
    releases: 0,
    jobHash: hash,
    owner: "",
    payload: json,
    dedupeKeys: [key as string],
  });
  const rows = index ? [row, ...indexRows] : [row];
  await raw.table.submitTransaction([
    ...rows.map((r): TransactionAction => ["create", r as TableEntity]),
    ["create", { partitionKey: PARTITION, rowKey: `key-${key}`, Kind: "key", JobId: id }],
  ]);
  await raw.queue.sendMessage(JSON.stringify({ job_id: id }), { messageTimeToLive: -1 });
}

/** What GET /jobs/{id} needs: one row read, and for a finished job a SAS signature (computed locally). */
async function rawRead(raw: RawClients, id: string): Promise<void> {
  const e = await raw.table.getEntity<{
    Status: string;
    BlobName: string;
    ContentType: string;
    Filename: string;
  }>(PARTITION, id);
  if (e.Status === "done") {
    await raw.container.getBlobClient(e.BlobName).generateSasUrl({
      permissions: BlobSASPermissions.parse("r"),
      startsOn: new Date(Date.now() - 300_000),
      expiresOn: new Date(Date.now() + 3_600_000),
      contentType: e.ContentType,
      contentDisposition: `attachment; filename="${e.Filename}"`,
    });
  }
}

/** Finished jobs with a stored file, written through our drivers, for the GET measurement to read. */
async function seedDoneJobs(storage: Storage, n: number, runId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const job = await submit(storage, { seed: i, run: runId });
    const claimed = await storage.jobs.update(job, {
      status: "processing",
      startedUtc: new Date(),
      attempt: 1,
      messageId: "seed",
    });
    const blobName = `${job.id}/1/ok.txt`;
    await storage.blobs.put(blobName, Buffer.from("ok"), { contentType: "text/plain", filename: "ok.txt" });
    await storage.jobs.update(claimed, {
      status: "done",
      blobName,
      filename: "ok.txt",
      contentType: "text/plain",
      size: 2,
    });
    ids.push(job.id);
  }
  return ids;
}
