// `praisonai-svc status [--url URL] [--hours N] [--watch]`: the admin stats in the terminal, read from a
// running service (with the admin key from PRAISONAI_SVC_ADMIN_KEY) or straight from the storage account.
import type { Command } from "commander";
import { STATS_WINDOW_HOURS } from "../../jobs/stats.js";
import { CliError } from "../errors.js";
import { untilShutdown } from "../shutdown.js";
import { renderStats } from "../status/render.js";
import { ADMIN_KEY_ENV, httpSource, type StatsSource } from "../status/source.js";
import { Trend } from "../status/trend.js";

interface StatusOptions {
  url?: string;
  hours: string;
  watch?: boolean;
  interval: string;
}

export function statusCommand(program: Command): void {
  program
    .command("status")
    .description(
      `show the service's figures (jobs by status and hour, run time, queue wait, queue depths); from --url with the admin key in ${ADMIN_KEY_ENV}, else from AZURE_STORAGE_CONNECTION_STRING, else from the local \`run\` at http://127.0.0.1:$PORT`,
    )
    .option("--url <url>", "a running service's address (its GET /admin/stats)")
    .option(
      "--hours <n>",
      `the window, in hours (1-${STATS_WINDOW_HOURS.max})`,
      String(STATS_WINDOW_HOURS.default),
    )
    .option(
      "-w, --watch",
      "keep showing fresh figures until Ctrl-C, with the queue depth trend and jobs per minute",
    )
    .option("--interval <s>", "seconds between refreshes with --watch (2-3600)", "5")
    .action(async (opts: StatusOptions) => {
      const hours = whole(opts.hours, "--hours", 1, STATS_WINDOW_HOURS.max);
      const intervalMs = whole(opts.interval, "--interval", 2, 3600) * 1000;
      const source = await chooseSource(opts.url);
      const trend = new Trend();
      try {
        const show = async () => {
          const stats = await source.read(hours);
          let text = renderStats(stats, source.label);
          if (opts.watch) {
            trend.add(stats);
            text += trend.render();
          }
          // On a terminal each refresh replaces the last; in a pipe or a log they follow one another.
          process.stdout.write(opts.watch && process.stdout.isTTY ? `\x1b[2J\x1b[H${text}` : text);
        };
        await show();
        if (!opts.watch) return;
        let timer: NodeJS.Timeout | undefined;
        const loop = () => {
          timer = setTimeout(() => {
            show().then(loop, (error: unknown) => {
              // A refresh that fails (a blip, a restart) says so and tries again; Ctrl-C ends it.
              process.stderr.write(`praisonai-svc: ${(error as Error).message}\n`);
              loop();
            });
          }, intervalMs);
        };
        loop();
        await untilShutdown(async () => clearTimeout(timer));
      } finally {
        await source.close();
      }
    });
}

function whole(raw: string, name: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}.`);
  }
  return n;
}

async function chooseSource(url: string | undefined): Promise<StatsSource> {
  const adminKey = process.env[ADMIN_KEY_ENV] || undefined;
  if (url !== undefined) return httpSource(url, adminKey);
  const { loadConfig, hasConnections } = await import("../../config/config.js");
  const config = loadConfig(process.env);
  if (!hasConnections(config.connections)) {
    // No account named: the local `run` on this machine (its storage lives behind it, on ports of its own).
    return httpSource(`http://127.0.0.1:${config.port}`, adminKey);
  }
  const [{ connectStorage }, { createLogger }, { collectStats }] = await Promise.all([
    import("../service-setup.js"),
    import("../log.js"),
    import("../../jobs/stats.js"),
  ]);
  const storage = await connectStorage(config, createLogger(config, "status"));
  return {
    label: `table ${config.table}`,
    read: (hours) => collectStats(storage, { hours }),
    close: async () => {},
  };
}
