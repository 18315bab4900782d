// One shared watcher per watched job: reads the row at a fixed interval while anyone listens, tells every
// listener about each new version, and stops when the last one leaves. N streams on one job cost one read
// per interval, not N; a replica's reads are bounded by its stream cap (PRAISONAI_SVC_MAX_STREAMS).
import type { JobRecord, JobStore } from "../../storage/types.js";

/** Called with each new version of the row, or undefined when the row is gone. */
export type RowListener = (row: JobRecord | undefined) => void;

export interface WatchLogger {
  warn(obj: object, msg: string): void;
}

interface Watch {
  listeners: Set<RowListener>;
  last: JobRecord;
  timer?: NodeJS.Timeout;
}

export class JobWatchers {
  readonly #watches = new Map<string, Watch>();

  constructor(
    private readonly jobs: JobStore,
    private readonly everyMs: number,
    private readonly log: WatchLogger,
  ) {}

  /** Jobs watched now (each costs one read per interval). */
  get watched(): number {
    return this.#watches.size;
  }

  /** Listens for versions of the row newer than `seen`; returns the unsubscribe function. */
  subscribe(seen: JobRecord, listener: RowListener): () => void {
    let watch = this.#watches.get(seen.id);
    if (!watch) {
      watch = { listeners: new Set(), last: seen };
      this.#watches.set(seen.id, watch);
      this.#schedule(seen.id, watch);
    } else if (watch.last.etag !== seen.etag) {
      // The shared watcher already holds another version: let this listener judge it too.
      const last = watch.last;
      queueMicrotask(() => listener(last));
    }
    watch.listeners.add(listener);
    return () => {
      const w = this.#watches.get(seen.id);
      if (!w) return;
      w.listeners.delete(listener);
      if (w.listeners.size === 0) {
        clearTimeout(w.timer);
        this.#watches.delete(seen.id);
      }
    };
  }

  #schedule(id: string, watch: Watch): void {
    watch.timer = setTimeout(() => void this.#read(id, watch), this.everyMs);
  }

  async #read(id: string, watch: Watch): Promise<void> {
    let row: JobRecord | undefined;
    try {
      row = await this.jobs.get(id);
    } catch (error) {
      this.log.warn({ err: error, jobId: id }, "could not read a watched job; will try again");
      if (this.#watches.get(id) === watch) this.#schedule(id, watch);
      return;
    }
    if (this.#watches.get(id) !== watch) return; // everyone left while the read was in flight
    if (!row || row.etag !== watch.last.etag) {
      if (row) watch.last = row;
      for (const listener of [...watch.listeners]) listener(row);
    }
    if (this.#watches.get(id) === watch) this.#schedule(id, watch);
  }
}
