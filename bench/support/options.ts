// Run modes and the sizes each uses: the same metric names in every mode, only fewer and shorter repeats.

export type Mode = "full" | "quick" | "tiny";

export interface Sizes {
  /** Repeats of each API measurement (and of each job-history read); each figure is their median. */
  rounds: number;
  /** Time cap (s) and count cap of one API measurement. */
  loadSeconds: number;
  loadMax: number;
  /** Untimed requests (at most 5 s) to each of our API processes first, then rounds run and not kept (bench/api.ts says why). */
  serviceWarmupCalls: number;
  warmupRounds: number;
  /** Finished jobs the GET measurement reads. */
  seededJobs: number;
  /** End to end: completions skipped at the start, then segments of this many completions (one rate each). */
  e2eWarmup: number;
  e2eSegment: number;
  e2eSegments: number;
  /** Jobs submitted but not yet done, kept by the feeder: the queue never runs dry, nor deep. */
  e2eDepth: number;
  pickupBusyJobs: number;
  /** No-op runs per runner for the Python runner's per-job overhead (after a warm-up). */
  runnerOverheadRuns: number;
  pickupIdleSamples: number;
  /** PRAISONAI_SVC_POLL_MAX (s) of the after-idle pickup measurement; POLL_MIN is a 30th of it, as by default. */
  pickupIdlePollMaxS: number;
  startupRepeats: number;
  /** Jobs through the API and workers for the memory figure (growth is scaled to 10,000)... */
  memoryJobs: number;
  /** ...unless this many seconds pass first (checked at each tenth of the jobs). */
  memorySeconds: number;
  /** Window (ms) over which an idle worker's storage calls are counted. */
  idleWindowMs: number;
  /** Jobs stored in the table when one page of the job history is measured. */
  historyJobs: number;
  /**
   * Whether the peers (the Python original, BullMQ) and our worker serving a handlers.py are measured: figures
   * of no goal, so a quick run leaves them to full runs to stay under its two-minute budget (the peers took
   * ~25 s of ~190 s, the handlers.py turns ~7 s of ~125 s).
   */
  peers: boolean;
}

export const SIZES: Record<Mode, Sizes> = {
  full: {
    // The quick run's API windows and tables, three times as many rounds: a longer window is not a longer look
    // at the same thing. Each POST writes six rows, and Azurite slows as a table grows, so 1.5 s windows ended
    // on tables three times as large as 0.5 s ones, where storage's share of a request was larger and the
    // ratio higher (api_post_ratio 0.93 full against 0.73 quick on a quiet machine, the same commit).
    rounds: 15,
    loadSeconds: 0.5,
    loadMax: 5000,
    serviceWarmupCalls: 2500,
    warmupRounds: 1,
    seededJobs: 32,
    e2eWarmup: 10,
    e2eSegment: 100,
    e2eSegments: 3,
    e2eDepth: 24,
    pickupBusyJobs: 40,
    runnerOverheadRuns: 2000,
    pickupIdleSamples: 5,
    pickupIdlePollMaxS: 3,
    startupRepeats: 5,
    memoryJobs: 10_000,
    memorySeconds: 300,
    idleWindowMs: 8000,
    historyJobs: 10_000,
    peers: true,
  },
  quick: {
    // The full run's API measurement with a third of its rounds: the API ratios are medians of per-round pairs
    // (docs/performance.md, "How stable each figure is").
    rounds: 5,
    loadSeconds: 0.5,
    loadMax: 5000,
    serviceWarmupCalls: 2500,
    warmupRounds: 1,
    seededJobs: 32,
    e2eWarmup: 5,
    e2eSegment: 30,
    e2eSegments: 2,
    e2eDepth: 24,
    pickupBusyJobs: 10,
    runnerOverheadRuns: 500,
    pickupIdleSamples: 1,
    pickupIdlePollMaxS: 1.5,
    startupRepeats: 3,
    memoryJobs: 250,
    memorySeconds: 30,
    idleWindowMs: 2000,
    historyJobs: 2_000,
    peers: false,
  },
  tiny: {
    rounds: 1,
    // Long enough that even a machine busy with the rest of `npm test` completes a request in the window
    // (at 0.2 s a loaded run once completed no POST at concurrency 16); loadMax ends it early when quiet.
    loadSeconds: 3,
    loadMax: 40,
    serviceWarmupCalls: 10,
    warmupRounds: 0,
    seededJobs: 4,
    e2eWarmup: 2,
    e2eSegment: 5,
    e2eSegments: 1,
    e2eDepth: 8,
    pickupBusyJobs: 3,
    runnerOverheadRuns: 20,
    pickupIdleSamples: 1,
    pickupIdlePollMaxS: 0.6,
    startupRepeats: 1,
    memoryJobs: 40,
    memorySeconds: 30,
    idleWindowMs: 1500,
    historyJobs: 200,
    peers: true,
  },
};

export interface RunOptions {
  mode: Mode;
  sizes: Sizes;
  /** Where the JSON results and the markdown page are written. */
  out: string;
  doc: string;
  /** Install the Python original into bench/.venv when it is missing. */
  installPython: boolean;
}
