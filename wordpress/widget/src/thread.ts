// One request in the chat thread: what was sent, its status and progress as they change, a Stop button
// while it may still be cancelled, and its file when done.
import type { Job, JobApi, JobStatus } from "./api.js";
import { h } from "./dom.js";
import { ApiError, NetworkError } from "./http.js";
import type { Translate } from "./i18n.js";
import { webAddress } from "./link.js";
import { percentOf, progressAnnouncer, progressBar } from "./progress.js";
import { type StatusSource, WatchTimeout } from "./status.js";

export interface ThreadDeps {
  api: JobApi;
  status: StatusSource;
  t: Translate;
  /** Announces a status change in the widget's live region. */
  announce(text: string): void;
  jobTimeoutS: number;
  /** Called once the widget stops following the job (its end shown, or given up on). */
  forget?(jobId: string): void;
}

export function downloadButton(api: JobApi, t: Translate, job: Job, onError: (text: string) => void) {
  const button = h(
    "button",
    { type: "button", class: "praisonai-chat__download" },
    t("download", { filename: job.filename ?? "" }),
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      // A fresh signed link every time: links in the job object expire.
      const link = webAddress(await api.downloadUrl(job.job_id));
      if (link) location.assign(link);
      else onError(t("badLink"));
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** Adds a request to `list` and follows its job to the end; its Stop button cancels the job. */
export function startThread(list: HTMLElement, n: number, summary: string, job: Job, deps: ThreadDeps): void {
  const { t, api } = deps;
  const badge = h("span", { class: "praisonai-chat__status" });
  const stop = h(
    "button",
    { type: "button", class: "praisonai-chat__stop", "aria-label": t("stopRequest", { n }) },
    t("stop"),
  );
  const bar = progressBar(t, n);
  const note = h("p", { class: "praisonai-chat__note" });
  const actions = h("div", { class: "praisonai-chat__result" });
  const item = h(
    "li",
    { class: "praisonai-chat__message", "data-job-id": job.job_id, tabindex: "-1" },
    h("p", { class: "praisonai-chat__request" }, h("strong", {}, t("request", { n })), " ", summary),
    h("p", { class: "praisonai-chat__reply" }, badge, stop),
    bar.element,
    note,
    actions,
  );
  list.append(item);

  const said = progressAnnouncer();
  let shown: JobStatus | undefined;
  const show = (current: Job) => {
    note.textContent = "";
    const changed = current.status !== shown;
    if (changed) {
      shown = current.status;
      item.dataset.status = current.status;
      badge.textContent = t(current.status);
      deps.announce(t("announce", { n, status: t(current.status) }));
      said.hold();
    }
    if (current.progress && current.status === "processing") {
      const sentence = bar.update(current.progress);
      if (!changed && said.due(percentOf(current.progress.fraction))) {
        deps.announce(t("announce", { n, status: sentence }));
      }
    }
  };
  const fail = (text: string) => {
    note.textContent = text;
    note.classList.add("praisonai-chat__note--error");
  };

  // Aborted once the job's end is shown (by the watch or by Stop): later reads and retries are stale.
  const following = new AbortController();
  const finished = () => following.signal.aborted;
  /** Set when a Stop came too late (409): the result is shown with a note saying so. */
  let finishedFirst = false;
  const finish = (final: Job) => {
    if (finished()) return;
    following.abort();
    deps.forget?.(final.job_id);
    show(final);
    if (document.activeElement === stop) item.focus(); // the button goes; keep keyboard users in place
    stop.remove();
    bar.remove();
    api.report?.(final.job_id).catch(() => {}); // history only: the user already has the result
    if (final.status === "done") actions.append(downloadButton(api, t, final, fail));
    else if (final.status === "cancelled") fail(t("cancelled"));
    else fail(t("failed", { message: final.error_msg ?? "" }));
    if (finishedFirst && final.status !== "cancelled") {
      note.classList.remove("praisonai-chat__note--error");
      note.textContent = t("finishedFirst");
    }
  };

  stop.addEventListener("click", async () => {
    stop.disabled = true;
    stop.textContent = t("stopping");
    try {
      finish(await api.cancel(job.job_id));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        finishedFirst = true;
        // The watch would see the result within a poll; reading it now shows it at once.
        await api.status(job.job_id).then(finish, () => {});
        return;
      }
      stop.disabled = false;
      stop.textContent = t("stop");
      fail(error instanceof NetworkError ? t("notStopped") : (error as Error).message);
    }
  });

  show(job);
  deps.status
    .watch(
      job.job_id,
      {
        onUpdate: (current) => {
          if (!finished()) show(current); // a read in flight when Stop answered must not undo "Cancelled"
        },
        onRetry: (seconds, error) => {
          if (finished()) return;
          note.classList.remove("praisonai-chat__note--error");
          note.textContent =
            error instanceof NetworkError || !error.message
              ? t("networkRetry", { seconds })
              : `${error.message} ${t("networkRetry", { seconds })}`;
        },
      },
      following.signal,
    )
    .then(finish)
    .catch((error: unknown) => {
      if (finished()) return; // stopped by the visitor: the watch was called off
      deps.forget?.(job.job_id);
      stop.remove();
      if (error instanceof WatchTimeout) fail(t("timeout", { minutes: Math.round(deps.jobTimeoutS / 60) }));
      else fail(error instanceof Error ? error.message : String(error));
      deps.announce(note.textContent ?? "");
    });
}
