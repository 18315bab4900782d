// One request in the chat thread: what was sent, its status as it changes, and its file when done.
import type { Job, JobApi, JobStatus } from "./api.js";
import { h } from "./dom.js";
import { NetworkError } from "./http.js";
import type { Translate } from "./i18n.js";
import { type StatusSource, WatchTimeout } from "./status.js";

export interface ThreadDeps {
  api: JobApi;
  status: StatusSource;
  t: Translate;
  /** Announces a status change in the widget's live region. */
  announce(text: string): void;
  jobTimeoutS: number;
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
      location.assign(await api.downloadUrl(job.job_id));
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** Adds a request to `list` and follows its job to the end. */
export function startThread(list: HTMLElement, n: number, summary: string, job: Job, deps: ThreadDeps): void {
  const { t, api } = deps;
  const badge = h("span", { class: "praisonai-chat__status" });
  const note = h("p", { class: "praisonai-chat__note" });
  const actions = h("div", { class: "praisonai-chat__result" });
  const item = h(
    "li",
    { class: "praisonai-chat__message", "data-job-id": job.job_id },
    h("p", { class: "praisonai-chat__request" }, h("strong", {}, t("request", { n })), " ", summary),
    h("p", { class: "praisonai-chat__reply" }, badge),
    note,
    actions,
  );
  list.append(item);

  let shown: JobStatus | undefined;
  const show = (current: Job) => {
    note.textContent = "";
    if (current.status === shown) return;
    shown = current.status;
    item.dataset.status = current.status;
    badge.textContent = t(current.status);
    deps.announce(t("announce", { n, status: t(current.status) }));
  };
  const fail = (text: string) => {
    note.textContent = text;
    note.classList.add("praisonai-chat__note--error");
  };

  show(job);
  deps.status
    .watch(job.job_id, {
      onUpdate: show,
      onRetry: (seconds, error) => {
        note.classList.remove("praisonai-chat__note--error");
        note.textContent =
          error instanceof NetworkError || !error.message
            ? t("networkRetry", { seconds })
            : `${error.message} ${t("networkRetry", { seconds })}`;
      },
    })
    .then((final) => {
      api.report?.(final.job_id).catch(() => {}); // history only: the user already has the result
      if (final.status === "done") actions.append(downloadButton(api, t, final, fail));
      else if (final.status === "cancelled") fail(t("cancelled"));
      else fail(t("failed", { message: final.error_msg ?? "" }));
    })
    .catch((error: unknown) => {
      if (error instanceof WatchTimeout) fail(t("timeout", { minutes: Math.round(deps.jobTimeoutS / 60) }));
      else fail(error instanceof Error ? error.message : String(error));
      deps.announce(note.textContent ?? "");
    });
}
