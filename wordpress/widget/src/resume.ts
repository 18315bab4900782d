// Jobs a widget is still following, kept in the tab's sessionStorage so that a reload (or a visit to
// another page and back) follows them again and shows how they ended, instead of losing them. One list
// per widget (its service and where it reaches it); a job leaves the list once its end is shown.
// sessionStorage, not localStorage: it stays with the tab and is gone when the tab is closed, so a
// shared computer's next user does not see the last one's requests.
import type { WidgetConfig } from "./config.js";

export interface PendingJob {
  job_id: string;
  /** The request's one-line summary, shown again above its status. */
  summary: string;
}

/** More than this many jobs in flight in one tab is not a person's use; the oldest are dropped. */
const MAX_PENDING = 20;
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface PendingStore {
  list(): PendingJob[];
  add(job: PendingJob): void;
  remove(jobId: string): void;
}

export function pendingStore(config: WidgetConfig): PendingStore {
  const key = `praisonai-chat:${config.serviceUrl ?? config.restUrl ?? ""}:${config.service}`;
  const read = (): PendingJob[] => {
    try {
      const stored: unknown = JSON.parse(sessionStorage.getItem(key) ?? "[]");
      // Whatever is stored is checked: the id goes into request paths.
      return Array.isArray(stored)
        ? stored
            .filter((p): p is PendingJob => JOB_ID.test(p?.job_id) && typeof p?.summary === "string")
            .map(({ job_id, summary }) => ({ job_id, summary: summary.slice(0, 200) }))
        : [];
    } catch {
      return []; // storage switched off or unreadable: the widget works as before, without resuming
    }
  };
  const write = (jobs: PendingJob[]) => {
    try {
      if (jobs.length) sessionStorage.setItem(key, JSON.stringify(jobs.slice(-MAX_PENDING)));
      else sessionStorage.removeItem(key);
    } catch {
      // full or switched off: nothing to resume later, nothing broken now
    }
  };
  return {
    list: read,
    add: (job) => write([...read().filter((p) => p.job_id !== job.job_id), job]),
    remove: (jobId) => write(read().filter((p) => p.job_id !== jobId)),
  };
}
