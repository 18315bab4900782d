// End-to-end throughput. Every system under test keeps its workers running while the systems take turns:
// in each turn a feeder submits jobs to one system while keeping only `depth` of them unfinished (its queue
// stays shallow and never runs dry), and the turn's rate counts completions from the moment every worker has
// finished a job (no start-up or backoff stagger) until `segment` more are done. Turns alternate between
// systems, so a noisy neighbour on the machine hits all of them alike.
import type { Sizes } from "./options.js";
import { cpuMs, sleep } from "./procs.js";

/** A queue system under test: its workers, and how a job is submitted to it. */
export interface E2ESystem {
  label: string;
  /** Starts `workers` workers; `onDone(worker)` must be called once per finished job, with the worker's index. */
  start(workers: number, onDone: (worker: number) => void): Promise<void>;
  submit(i: number): Promise<void>;
  /** The worker processes, whose CPU time is counted per job. */
  pids(): number[];
  stop(): Promise<void>;
}

export interface E2EResult {
  /** Jobs per second of each turn. */
  rates: number[];
  /** CPU time of the worker processes per job, each turn. */
  cpuMsPerJob: number[];
}

const SUBMITTERS = 4;

interface Turn {
  times: number[];
  workers: Set<number>;
}

/** Each system's results (in the order given). */
export async function runE2E(
  systems: readonly E2ESystem[],
  workers: number,
  sizes: Sizes,
  timeoutMs: number,
): Promise<E2EResult[]> {
  const turns = systems.map((): Turn => ({ times: [], workers: new Set() }));
  const results = systems.map((): E2EResult => ({ rates: [], cpuMsPerJob: [] }));
  const started: E2ESystem[] = [];
  try {
    for (const [k, system] of systems.entries()) {
      await system.start(workers, (worker) => {
        const turn = turns[k] as Turn;
        turn.times.push(performance.now());
        turn.workers.add(worker);
      });
      started.push(system);
    }
    let job = 0;
    for (let s = 0; s < sizes.e2eSegments; s++) {
      for (const [k, system] of systems.entries()) {
        const turn: Turn = { times: [], workers: new Set() };
        turns[k] = turn;
        const cpuBefore = sum(system.pids().map(cpuMs));
        const { rate, jobs } = await oneTurn(system, turn, workers, sizes, timeoutMs, () => job++);
        const result = results[k] as E2EResult;
        result.rates.push(rate);
        result.cpuMsPerJob.push((sum(system.pids().map(cpuMs)) - cpuBefore) / jobs);
      }
    }
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
  return results;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

async function oneTurn(
  system: E2ESystem,
  turn: Turn,
  workers: number,
  sizes: Sizes,
  timeoutMs: number,
  nextJob: () => number,
): Promise<{ rate: number; jobs: number }> {
  const deadline = performance.now() + timeoutMs;
  let submitted = 0;
  let failure: unknown;
  // Index of the completion from which the rate is counted: every worker busy, warm-up over.
  let from: number | undefined;
  const finished = () => {
    if (from === undefined && turn.workers.size >= workers && turn.times.length >= sizes.e2eWarmup) {
      from = turn.times.length - 1;
    }
    return from !== undefined && turn.times.length > from + sizes.e2eSegment;
  };
  const submitter = async () => {
    while (!finished() && failure === undefined && performance.now() < deadline) {
      if (submitted - turn.times.length >= sizes.e2eDepth) {
        await sleep(2);
        continue;
      }
      submitted++;
      await system.submit(nextJob()).catch((e: unknown) => {
        failure = e;
      });
    }
  };
  await Promise.all(Array.from({ length: SUBMITTERS }, submitter));
  // Drain what is still queued, so the next system's turn starts on a quiet storage.
  while (turn.times.length < submitted && failure === undefined && performance.now() < deadline)
    await sleep(5);
  if (failure !== undefined) throw failure;
  if (!finished() || turn.times.length < submitted) {
    throw new Error(
      `${system.label} with ${workers} worker(s): ${turn.times.length} of ${submitted} jobs done ` +
        `(${turn.workers.size} worker(s) active) after ${timeoutMs} ms`,
    );
  }
  const start = turn.times[from as number] as number;
  const end = turn.times[(from as number) + sizes.e2eSegment] as number;
  return { rate: (sizes.e2eSegment / (end - start)) * 1000, jobs: submitted };
}
