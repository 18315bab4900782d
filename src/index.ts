// The public API of praisonai-svc. Everything else is internal.

export type { JobContext, JobFile, JobFileTuple, JobHandler, JobLogger, JobResult } from "./app/handler.js";
export { ServiceApp, type ServiceAppOptions } from "./app/service-app.js";
export { ConfigError, NonRetriableError, PraisonError } from "./errors.js";
