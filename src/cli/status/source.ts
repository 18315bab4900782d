// Where `status` reads its figures: a running service's GET /admin/stats, or the storage account itself.
import type { Stats } from "../../jobs/stats.js";
import { CliError } from "../errors.js";

export interface StatsSource {
  /** What the figures are of, for the heading (a URL, or the table's name). */
  label: string;
  read(hours: number): Promise<Stats>;
  close(): Promise<void>;
}

/** The variable `status` reads the admin key from: a key on the command line would show in `ps`. */
export const ADMIN_KEY_ENV = "PRAISONAI_SVC_ADMIN_KEY";

/** GET <url>/admin/stats with the admin key in X-API-Key (never in the URL). */
export function httpSource(url: string, adminKey: string | undefined): StatsSource {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new CliError(
      `--url ${JSON.stringify(url)} is not a URL: give the service's address, e.g. https://my-app.azurecontainerapps.io.`,
    );
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new CliError(`--url must be an http or https address, not ${base.protocol}`);
  }
  if (base.username || base.password || base.search) {
    throw new CliError(`--url must not carry credentials or a query: put the admin key in ${ADMIN_KEY_ENV}.`);
  }
  const label = base.origin + base.pathname.replace(/\/$/, "");
  return {
    label,
    async read(hours) {
      const target = new URL(`${base.pathname.replace(/\/$/, "")}/admin/stats?hours=${hours}`, base);
      let res: Response;
      try {
        res = await fetch(target, {
          headers: { accept: "application/json", ...(adminKey ? { "x-api-key": adminKey } : {}) },
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        throw new CliError(
          `Could not reach ${label} (${(error as Error).cause ?? (error as Error).message}): is the service running there?`,
        );
      }
      if (res.status === 401 || res.status === 403) {
        throw new CliError(
          `${label} refused the admin key (${res.status}): set ${ADMIN_KEY_ENV} to the key named admin (the \`admin:<key>\` entry of the service's PRAISONAI_SVC_API_KEYS).`,
        );
      }
      if (!res.ok) {
        const detail = await res.json().then(
          (p: unknown) => (p as { detail?: string } | null)?.detail,
          () => undefined,
        );
        throw new CliError(`${label} answered ${res.status}${detail ? `: ${detail}` : ""}`);
      }
      return (await res.json()) as Stats;
    },
    close: async () => {},
  };
}
