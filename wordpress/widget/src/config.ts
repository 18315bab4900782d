// Reads a widget's settings from its element's data-* attributes (no inline script needed).

export interface WidgetConfig {
  /** Service name on the WordPress site (`ppt`); empty outside WordPress. */
  service: string;
  label: string;
  /** The site's REST base (…/wp-json/praisonai/v1/); absent outside WordPress. */
  restUrl?: string;
  nonce?: string;
  /** Direct mode: the service's base URL and where to get a token for it. */
  serviceUrl?: string;
  tokenUrl?: string;
  jobTimeoutS: number;
  allowed: boolean;
  signedIn: boolean;
  loginUrl?: string;
  i18n: unknown;
}

const DEFAULT_JOB_TIMEOUT_S = 600;

export function readConfig(el: HTMLElement): WidgetConfig {
  const d = el.dataset;
  const timeout = Number(d.jobTimeout);
  let i18n: unknown;
  try {
    i18n = d.i18n ? JSON.parse(d.i18n) : undefined;
  } catch {
    i18n = undefined; // fall back to English rather than not showing the widget
  }
  const serviceUrl = d.serviceUrl?.replace(/\/+$/, "");
  return {
    service: d.service ?? "",
    label: d.label ?? d.service ?? "",
    restUrl: d.restUrl,
    nonce: d.nonce,
    serviceUrl,
    tokenUrl: d.tokenUrl,
    jobTimeoutS: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_JOB_TIMEOUT_S,
    allowed: d.allowed !== "0",
    signedIn: d.signedIn === "1",
    loginUrl: d.loginUrl,
    i18n,
  };
}
