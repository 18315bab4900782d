// The process logger: JSON lines on stdout (the Container Apps log stream), secrets redacted.
import { type Logger, pino } from "pino";
import type { ServiceConfig } from "../config/config.js";

export function createLogger(config: Pick<ServiceConfig, "logLevel">, role: string): Logger {
  return pino({
    level: config.logLevel,
    base: { role },
    redact: ['req.headers["x-api-key"]', "req.headers.authorization", "req.headers.cookie"],
  });
}
