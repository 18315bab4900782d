// The widget's view of a job service, whichever way it is reached: through the WordPress proxy
// (the site adds the API key) or directly with a short-lived token (CORS).
import type { WidgetConfig } from "./config.js";
import { requestJson, restUrl } from "./http.js";
import { TokenSource } from "./token.js";

export type JobStatus = "queued" | "processing" | "done" | "error" | "cancelled";

/** The service's job object (the fields the widget uses). */
export interface Job {
  job_id: string;
  status: JobStatus;
  filename?: string;
  size?: number;
  error_msg?: string;
  created_utc?: string;
  /** What the handler last reported with ctx.progress (absent until it does). */
  progress?: JobProgress;
}

export interface JobProgress {
  fraction: number;
  message: string | null;
  updated_utc?: string;
}

export interface JobApi {
  submit(body: string, contentType: string): Promise<Job>;
  status(jobId: string): Promise<Job>;
  /** Cancels a queued or running job; an ApiError 409 when it finished first. */
  cancel(jobId: string): Promise<Job>;
  /** A fresh signed link to the job's file. */
  downloadUrl(jobId: string): Promise<string>;
  /** The service's example payload. */
  example(): Promise<unknown>;
  /** The signed-in user's latest jobs (WordPress only). */
  recent?(): Promise<Job[]>;
  /** Tells the site about a job it did not see (direct mode on WordPress, for its job history). */
  report?(jobId: string): Promise<void>;
}

export function createApi(config: WidgetConfig): JobApi {
  return config.serviceUrl && config.tokenUrl ? directApi(config) : wordpressApi(config);
}

function wordpressApi(config: WidgetConfig): JobApi {
  const base = config.restUrl ?? "";
  const headers: Record<string, string> = config.nonce ? { "X-WP-Nonce": config.nonce } : {};
  const url = (path: string, query: Record<string, string> = {}) => restUrl(base, path, query);
  const get = <T>(path: string, query?: Record<string, string>) =>
    requestJson<T>(url(path, query), { headers, credentials: "same-origin" });
  return {
    submit: (body, contentType) =>
      requestJson<Job>(url("jobs", { service: config.service }), {
        method: "POST",
        headers: { ...headers, "Content-Type": contentType },
        body,
        credentials: "same-origin",
      }),
    status: (id) => get<Job>(`jobs/${id}`),
    cancel: (id) =>
      requestJson<Job>(url(`jobs/${id}`), { method: "DELETE", headers, credentials: "same-origin" }),
    downloadUrl: async (id) => (await get<{ download_url: string }>(`jobs/${id}/download`)).download_url,
    example: async () => (await get<{ example: unknown }>("example", { service: config.service })).example,
    recent: async () => (await get<{ jobs: Job[] }>("jobs", { service: config.service })).jobs,
  };
}

function directApi(config: WidgetConfig): JobApi {
  const service = config.serviceUrl as string;
  const tokens = new TokenSource(config.tokenUrl as string, config.nonce);
  const call = async <T>(path: string, init: RequestInit = {}) =>
    requestJson<T>(`${service}${path}`, {
      ...init,
      // A header, not cookies: the service never sees the site's session, and no credentials mode is needed.
      headers: { ...init.headers, Authorization: `Bearer ${await tokens.get()}` },
      credentials: "omit",
    });
  const site = config.restUrl ? wordpressApi(config) : undefined;
  const nonce: Record<string, string> = config.nonce ? { "X-WP-Nonce": config.nonce } : {};
  return {
    submit: (body, contentType) =>
      call<Job>("/jobs", { method: "POST", headers: { "Content-Type": contentType }, body }),
    status: (id) => call<Job>(`/jobs/${id}`),
    cancel: (id) => call<Job>(`/jobs/${id}`, { method: "DELETE" }),
    downloadUrl: async (id) => (await call<{ download_url: string }>(`/jobs/${id}/download`)).download_url,
    example: async () => exampleOf(await call<unknown>("/openapi.json")),
    recent: site?.recent,
    report: config.restUrl
      ? async (id) => {
          await requestJson(
            restUrl(config.restUrl as string, `jobs/${id}/sync`, { service: config.service }),
            {
              method: "POST",
              headers: nonce,
              credentials: "same-origin",
            },
          );
        }
      : undefined,
  };
}

/** The example JSON body of `POST /jobs` in an OpenAPI document. */
export function exampleOf(openapi: unknown): unknown {
  const doc = openapi as {
    paths?: Record<
      string,
      {
        post?: {
          requestBody?: {
            content?: Record<string, { example?: unknown; schema?: { examples?: unknown[] } }>;
          };
        };
      }
    >;
  };
  const media = doc?.paths?.["/jobs"]?.post?.requestBody?.content?.["application/json"];
  return media?.example ?? media?.schema?.examples?.[0];
}
