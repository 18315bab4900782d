// The chat panel: the form (type, paste, attach or fill in the example), the thread of requests, the
// signed-in user's recent files, and where each error is shown.
import { createApi, type Job, type JobApi } from "./api.js";
import type { WidgetConfig } from "./config.js";
import { h, uid } from "./dom.js";
import { ApiError, NetworkError } from "./http.js";
import { createTranslate, type Translate } from "./i18n.js";
import { webAddress } from "./link.js";
import { contentTypeOf, readAttachment, summarize } from "./payload.js";
import { pendingStore } from "./resume.js";
import { pollingSource } from "./status.js";
import { downloadButton, startThread } from "./thread.js";

/** Polling stops this long after the service's job timeout (time the job may wait in the queue). */
const QUEUE_MARGIN_S = 60;

export function mountPanel(root: HTMLElement, config: WidgetConfig): void {
  const t = createTranslate(config.i18n);
  const headingId = uid("heading");
  const panel = h(
    "section",
    { class: "praisonai-chat__panel", "aria-labelledby": headingId },
    h("h2", { class: "praisonai-chat__heading", id: headingId }, t("heading", { label: config.label })),
  );
  root.replaceChildren(panel);
  if (!config.allowed) {
    const login = webAddress(config.loginUrl);
    panel.append(
      h(
        "p",
        { class: "praisonai-chat__login" },
        t("loginRequired"),
        " ",
        login ? h("a", { href: login }, t("login")) : "",
      ),
    );
    return;
  }

  const api = createApi(config);
  const live = h("div", { class: "praisonai-chat__sr", role: "status", "aria-live": "polite" });
  const thread = h("ol", { class: "praisonai-chat__thread", "aria-label": t("thread") });
  const inputId = uid("input");
  const errorId = uid("error");
  const input = h("textarea", {
    id: inputId,
    class: "praisonai-chat__input",
    rows: "8",
    spellcheck: "false",
    placeholder: t("placeholder"),
    "aria-describedby": errorId,
  });
  const error = h("div", { id: errorId, class: "praisonai-chat__error", role: "alert" });
  const file = h("input", { type: "file", accept: ".yaml,.yml,.json", class: "praisonai-chat__file" });
  const example = h("button", { type: "button", class: "praisonai-chat__example" }, t("example"));
  const send = h("button", { type: "submit", class: "praisonai-chat__send" }, t("send"));
  const form = h(
    "form",
    { class: "praisonai-chat__form", novalidate: true },
    h("label", { for: inputId, class: "praisonai-chat__label" }, t("inputLabel")),
    input,
    error,
    h(
      "div",
      { class: "praisonai-chat__actions" },
      h("label", { class: "praisonai-chat__attach" }, file, h("span", {}, t("attach"))),
      example,
      send,
    ),
  );
  panel.append(thread, live, form);

  const announce = (text: string) => {
    live.textContent = text;
  };
  const showError = (message: string, fields: { path: string; message: string }[] = []) => {
    error.replaceChildren();
    input.removeAttribute("aria-invalid");
    if (!message) return;
    input.setAttribute("aria-invalid", "true");
    error.append(h("p", {}, message));
    if (fields.length) {
      error.append(
        h(
          "ul",
          { class: "praisonai-chat__fields" },
          ...fields.map((f) => h("li", {}, h("code", {}, f.path), ` ${f.message}`)),
        ),
      );
    }
  };
  const status = pollingSource(api, { timeoutMs: (config.jobTimeoutS + QUEUE_MARGIN_S) * 1000 });
  const pending = pendingStore(config);
  const deps = { api, status, t, announce, jobTimeoutS: config.jobTimeoutS, forget: pending.remove };
  let count = 0;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return showError(t("empty"));
    send.disabled = true;
    send.textContent = t("sending");
    try {
      const job = await api.submit(text, contentTypeOf(text));
      showError("");
      input.value = "";
      api.report?.(job.job_id).catch(() => {});
      const summary = summarize(text);
      pending.add({ job_id: job.job_id, summary });
      startThread(thread, ++count, summary, job, deps);
      refreshRecent();
    } catch (e) {
      showError(...describe(e, t)); // the text stays in the box
    } finally {
      send.disabled = false;
      send.textContent = t("send");
      input.focus();
    }
  });

  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    file.value = "";
    if (!chosen) return;
    const read = await readAttachment(chosen);
    if ("problem" in read) return showError(t(read.problem));
    input.value = read.text;
    showError("");
    announce(t("attached", { name: chosen.name }));
  });

  example.addEventListener("click", async () => {
    try {
      const payload = await api.example();
      input.value = `${JSON.stringify(payload, null, 2)}\n`;
      showError("");
      input.focus();
    } catch (e) {
      showError(...describe(e, t));
    }
  });

  // Jobs this tab was following before a reload: read each once, then follow it as if just sent.
  // One the service no longer knows (or not as this user, e.g. after logging out) is dropped quietly.
  const resuming = pending.list().map(async (p) => {
    try {
      return { ...p, job: await api.status(p.job_id) };
    } catch (e) {
      if (e instanceof ApiError && !e.transient) return pending.remove(p.job_id);
      return { ...p, job: { job_id: p.job_id, status: "queued" as const } }; // unreachable now: the watch retries
    }
  });
  Promise.all(resuming).then((jobs) => {
    for (const p of jobs) if (p) startThread(thread, ++count, p.summary, p.job, deps);
  });

  const recent = api.recent && config.signedIn ? recentFiles(api, t, showError) : undefined;
  if (recent) panel.append(recent.element);
  function refreshRecent() {
    recent?.refresh();
  }
  refreshRecent();
}

/** The message for a failed request, and the fields to list under it (422). */
function describe(e: unknown, t: Translate): [string, { path: string; message: string }[]] {
  if (e instanceof NetworkError) return [t("notSent"), []];
  if (!(e instanceof ApiError)) return [e instanceof Error ? e.message : String(e), []];
  if (e.status === 422 && e.errors.length) return [t("fieldErrors"), e.errors];
  if (e.status === 429) return [`${e.detail} ${t("tooMany", { seconds: e.retryAfterS ?? 60 })}`.trim(), []];
  if (e.status === 503 && !e.detail) return [t("notSent"), []];
  return [e.detail || t("unexpected", { status: e.status }), []];
}

function recentFiles(api: JobApi, t: Translate, onError: (m: string) => void) {
  const list = h("ul", { class: "praisonai-chat__recent-list" });
  // Hidden until it has files to show.
  const element = h(
    "details",
    { class: "praisonai-chat__recent", hidden: true },
    h("summary", {}, t("recent")),
    list,
  );
  const row = (job: Job) =>
    h(
      "li",
      { "data-job-id": job.job_id },
      job.status === "done"
        ? downloadButton(api, t, job, onError)
        : h("span", {}, `${job.filename || job.job_id.slice(0, 8)}: ${t(job.status)}`),
    );
  return {
    element,
    refresh() {
      api
        .recent?.()
        .then((jobs) => {
          list.replaceChildren(...jobs.map(row));
          element.hidden = jobs.length === 0;
        })
        .catch(() => {
          element.hidden = true; // a convenience: never an error in the user's face
        });
    },
  };
}
