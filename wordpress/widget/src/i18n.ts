// The widget's words. English defaults here; WordPress passes translated ones in `data-i18n`
// (see wordpress/praisonai-svc/includes/Frontend/Strings.php, which has the same keys).

export const DEFAULT_STRINGS = {
  heading: "Create with {label}",
  inputLabel: "Your request (YAML or JSON)",
  placeholder: "Paste or type YAML or JSON…",
  attach: "Attach a file",
  attached: "Attached {name}.",
  example: "Example",
  send: "Send",
  sending: "Sending…",
  thread: "Your requests",
  request: "Request {n}",
  queued: "Queued",
  processing: "Processing…",
  done: "Done",
  error: "Failed",
  cancelled: "Cancelled",
  announce: "Request {n}: {status}",
  progress: "{percent} %",
  progressLabel: "Progress of request {n}",
  stop: "Stop",
  stopRequest: "Stop request {n}",
  stopping: "Stopping…",
  finishedFirst: "It finished before it could be stopped.",
  notStopped: "Cannot reach the service, so the job was not stopped. Try again in a moment.",
  download: "Download {filename}",
  badLink: "The service sent a download link that is not a web address, so it was not opened.",
  fieldErrors: "The service could not accept this request:",
  tooMany: "Too many requests. Try again in {seconds} s.",
  networkRetry: "Cannot reach the service; retrying in {seconds} s…",
  notSent: "Cannot reach the service, so nothing was sent. Your text is kept: try again in a moment.",
  timeout: 'No result after {minutes} min, the service\'s time limit. Look for it under "Your files" later.',
  failed: "The job failed: {message}",
  loginRequired: "Please log in to use this service.",
  login: "Log in",
  recent: "Your files",
  empty: "Type or paste a request first.",
  fileTooLarge: "This file is larger than 1 MB.",
  fileType: "Attach a .yaml, .yml or .json file.",
  unexpected: "Something went wrong (HTTP {status}).",
};

export type StringKey = keyof typeof DEFAULT_STRINGS;
export type Translate = (key: StringKey, vars?: Record<string, string | number>) => string;

/** A translator over the defaults and the overrides the page supplied (unknown keys and non-strings ignored). */
export function createTranslate(overrides: unknown): Translate {
  const strings: Record<string, string> = { ...DEFAULT_STRINGS };
  if (overrides && typeof overrides === "object") {
    for (const [key, value] of Object.entries(overrides)) {
      if (key in DEFAULT_STRINGS && typeof value === "string") strings[key] = value;
    }
  }
  return (key, vars = {}) =>
    (strings[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in vars ? String(vars[name]) : whole,
    );
}
